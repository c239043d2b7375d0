# Service registry: an entry disappears when its process dies
# web-1 and web-2 register with EPHEMERAL znodes under /services; lb lists them with a child
# watch. web-1's process dies: its entry lasts until its session expires (2 s), then the
# leader's closeSession deletes it everywhere and lb's watch fires.
servers 3
seed 4

start all
until stable 10s
client admin connect 1
create admin /services
client web-1 connect 2 timeout 2s
create web-1 -e /services/web-1 10.0.0.1:80
client web-2 connect 3 timeout 2s
create web-2 -e /services/web-2 10.0.0.2:80
client lb connect 1
ls lb /services watch
client web-1 crash
run 4s
expect node 1 /services/web-1 absent
expect watch lb /services 1 child
ls lb /services watch
expect children lb /services web-2
expect no-violations
