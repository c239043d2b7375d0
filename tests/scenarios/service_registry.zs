# A service registry: each service process registers itself with an EPHEMERAL znode under
# /services, and a client lists /services with a child watch to learn who is up. The entry
# lives exactly as long as its process's session: when web-1's process dies, nothing
# happens at once (the session lives on without it), and when the session expires the
# leader's closeSession deletes the entry on every server and fires the watcher's child
# watch. A service that shuts down cleanly (closeSession) leaves at once.
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
expect children lb /services web-1,web-2
client web-1 crash
run 1s
# web-1's process is gone, but its session is not yet: the entry is still there.
expect node 1 /services/web-1 10.0.0.1:80
run 3s
expect session web-1 expired
expect node 1 /services/web-1 absent
expect node 2 /services/web-1 absent
expect node 3 /services/web-1 absent
expect watch lb /services 1 child
ls lb /services watch
expect children lb /services web-2
# web-2 shuts down cleanly: its entry goes with its closeSession.
client web-2 close
run 500ms
expect watch lb /services 2 child
ls lb /services
expect children lb /services ""
expect no-violations
