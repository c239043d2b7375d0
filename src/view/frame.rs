//! One frame: everything a page draws of one world, built once per change from the world and
//! the previous frame. The picture (scene) follows every change; the text panels (banner,
//! feed, requests, inspector) only when the driver's throttle lets them, and otherwise keep
//! the previous frame's `Rc`s, so a component whose data did not change is not drawn again.

use std::collections::VecDeque;
use std::rc::Rc;

use super::banner::{banner, Banner};
use super::clients::{resource_views, result_lines, ResourceView, ResultLine};
use super::feed::{FeedLine, Story};
use super::grid::Grid;
use super::inspector::{inspect, InspectorData};
use super::requests::{request_lines, RequestLine};
use super::scene::Scene;
use super::spacetime::DiagramView;
use crate::sim::world::{Protocol, World};
use crate::sim::{Millis, Sid, Violation};

#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    pub protocol: Protocol,
    /// The leader clients are served by, if any (the client box offers it).
    pub leader: Option<Sid>,
    pub scene: Rc<Scene>,
    /// Every server's log side by side (follows every change, like the scene).
    pub grid: Rc<Grid>,
    pub banner: Rc<Banner>,
    pub feed: Rc<VecDeque<FeedLine>>,
    pub requests: Rc<Vec<RequestLine>>,
    /// The last answers clients had (the client panel).
    pub results: Rc<Vec<ResultLine>>,
    /// The resources recipe locks protect (fencing by token).
    pub resources: Rc<Vec<ResourceView>>,
    pub inspector: Option<Rc<InspectorData>>,
    pub violations: Rc<Vec<Violation>>,
    /// The space-time diagram, while its drawer is open (the page adds it).
    pub diagram: Option<Rc<DiagramView>>,
    /// The info tab's figures, while it is on show (the page adds them).
    pub info: Option<Rc<super::info::Info>>,
}

/// What a frame is built with besides the world.
pub struct FrameInput<'a> {
    /// The server the inspector shows.
    pub selected: Option<Sid>,
    /// Losses older than this (virtual ms) are no longer drawn.
    pub loss_window: Millis,
    /// The page's feed and requests (the comparison has none).
    pub story: Option<&'a Story>,
    /// Whether the text panels are rebuilt too.
    pub panels: bool,
}

/// `new` if it differs from `prev`, else `prev`'s `Rc` again.
fn share<T: PartialEq>(new: T, prev: &Rc<T>) -> Rc<T> {
    if new == **prev {
        prev.clone()
    } else {
        Rc::new(new)
    }
}

impl Frame {
    pub fn empty() -> Frame {
        Frame {
            protocol: Protocol::Zab,
            leader: None,
            scene: Rc::new(Scene::empty()),
            grid: Rc::new(Grid::default()),
            banner: Rc::new(Banner {
                stage: "electing",
                text: String::new(),
            }),
            feed: Rc::new(VecDeque::new()),
            requests: Rc::new(Vec::new()),
            results: Rc::new(Vec::new()),
            resources: Rc::new(Vec::new()),
            inspector: None,
            violations: Rc::new(Vec::new()),
            diagram: None,
            info: None,
        }
    }

    pub fn build(world: &World, prev: &Frame, input: &FrameInput) -> Frame {
        let scene = Rc::new(Scene::build(world, &prev.scene, input.loss_window));
        let violations = if world.violations().len() == prev.violations.len() {
            prev.violations.clone()
        } else {
            Rc::new(world.violations().to_vec())
        };
        let grid = share(Grid::build(world, &prev.grid), &prev.grid);
        let mut frame = Frame {
            protocol: world.protocol(),
            leader: world.serving_leader(),
            scene,
            grid,
            violations,
            ..prev.clone()
        };
        if input.panels {
            frame.panels(world, prev, input);
        }
        frame
    }

    fn panels(&mut self, world: &World, prev: &Frame, input: &FrameInput) {
        self.banner = share(banner(world, &self.scene.servers), &prev.banner);
        if let Some(story) = input.story {
            self.feed = story.lines().clone();
            self.requests = share(request_lines(world, &story.tracker), &prev.requests);
            self.results = share(result_lines(world, None), &prev.results);
            self.resources = share(resource_views(world), &prev.resources);
        }
        self.inspector = input.selected.map(|sid| {
            let data = inspect(world, sid);
            match &prev.inspector {
                Some(p) if **p == data => p.clone(),
                _ => Rc::new(data),
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::narrate::Kind;
    use crate::sim::{Command, WorldConfig};

    fn input(story: &Story, selected: Option<Sid>, panels: bool) -> FrameInput<'_> {
        FrameInput {
            selected,
            loss_window: 1000,
            story: Some(story),
            panels,
        }
    }

    #[test]
    fn a_frame_reads_the_world_once_and_shares_what_did_not_change() {
        let mut w = World::new(WorldConfig::new(3, 0, 5));
        w.enable_feed();
        w.apply(Command::StartAll).unwrap();
        let mut story = Story::new();
        story.push(0, Kind::You, "A new ensemble".into());
        w.run_until(3_000);
        story.read(&w);
        let leader = w.stable_leader().unwrap();
        let f1 = Frame::build(&w, &Frame::empty(), &input(&story, Some(leader), true));
        assert_eq!(f1.banner.stage, "broadcast");
        assert_eq!((f1.protocol, f1.leader), (Protocol::Zab, Some(leader)));
        assert_eq!(f1.inspector.as_ref().unwrap().sid, leader);
        assert_eq!(f1.feed.len(), story.lines().len());
        // The countdown drawn is the scene's, from the world's timers.
        assert_eq!(
            f1.scene.timers[leader as usize - 1],
            crate::view::scene::countdown(&w, leader)
        );
        // Nothing happened: the panels keep their Rc.
        let f2 = Frame::build(&w, &f1, &input(&story, Some(leader), true));
        assert!(Rc::ptr_eq(&f1.banner, &f2.banner));
        assert!(Rc::ptr_eq(&f1.feed, &f2.feed));
        assert!(Rc::ptr_eq(
            f1.inspector.as_ref().unwrap(),
            f2.inspector.as_ref().unwrap()
        ));
        // A write: the picture follows at once, the panels when the throttle lets them.
        w.apply(Command::Write {
            at: Some(leader),
            path: "/a".into(),
            data: "1".into(),
        })
        .unwrap();
        story.tracker.remember(&w, leader, "/a = \"1\"".into());
        w.run_until(3_005);
        story.read(&w);
        let f3 = Frame::build(&w, &f2, &input(&story, Some(leader), false));
        assert!(Rc::ptr_eq(&f2.requests, &f3.requests));
        let f4 = Frame::build(&w, &f3, &input(&story, Some(leader), true));
        assert_eq!(f4.requests.len(), 1);
        assert!(!Rc::ptr_eq(&f3.feed, &f4.feed));
        // Deselecting drops the inspector.
        let f5 = Frame::build(&w, &f4, &input(&story, None, true));
        assert!(f5.inspector.is_none());
    }
}
