//! A script run one step at a time: the `Stepper` applies lines until one must wait for
//! virtual time to pass (a `run`, an `until` goal, a client command waiting for its answer),
//! then says until when. The CLI drives it straight through (`run::execute`); the page drives
//! it from its animation, letting the world run to each time the stepper names, so a preset
//! plays on the page exactly as `zabscope run` runs it (same times, same trace).

use super::run::{
    client_results, describe, expectation, goal_reached, held_done, plural, RunError,
    CLIENT_HOLD_TIMEOUT, DEFAULT_UNTIL_TIMEOUT, UNTIL_STEP,
};
use super::{Script, Stmt};
use crate::sim::command::Command;
use crate::sim::types::Millis;
use crate::sim::view::status_json;
use crate::sim::world::World;

/// What the stepper needs next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// Let the world run to this virtual time, then poll again.
    RunTo(Millis),
    /// Every line has run.
    Done,
}

/// What the line under way waits for.
#[derive(Clone, Debug, PartialEq)]
enum Wait {
    Until { deadline: Millis },
    Goal { deadline: Millis },
    Hold { before: u64, deadline: Millis },
}

/// A line begun (or, for an expectation, held), for a page that narrates the script as it
/// plays.
#[derive(Clone, Debug, PartialEq)]
pub struct Done {
    pub line: usize,
    pub at: Millis,
    /// The line as written (its statement printed back).
    pub text: String,
    /// For an expectation: it held.
    pub expectation: bool,
}

#[derive(Clone, Debug)]
pub struct Stepper {
    script: Script,
    /// The next line to run (an index into the action lines).
    pc: usize,
    wait: Option<Wait>,
    expectations: usize,
    expects_violation: bool,
    first_violation_line: Option<usize>,
    output: Vec<String>,
    done: Vec<Done>,
    /// The line under way was an expectation (and held).
    expected: bool,
}

/// Expectation lines are noted once they held; the others (actions, waits, `status`) when
/// they begin. Configuration lines never reach the stepper.
fn is_expectation(stmt: &Stmt) -> bool {
    !matches!(
        stmt,
        Stmt::Run(_) | Stmt::Until(..) | Stmt::Act(_) | Stmt::Status
    )
}

impl Stepper {
    /// A stepper over the script's action lines (configuration lines are the world's: see
    /// `run::world_config`).
    pub fn new(mut script: Script) -> Stepper {
        script.lines.retain(|l| !l.stmt.is_config());
        let expects_violation =
            (script.lines.iter()).any(|l| matches!(l.stmt, Stmt::ExpectViolation(_)));
        Stepper {
            script,
            pc: 0,
            wait: None,
            expectations: 0,
            expects_violation,
            first_violation_line: None,
            output: Vec::new(),
            done: Vec::new(),
            expected: false,
        }
    }

    /// How many expectations held so far.
    pub fn expectations(&self) -> usize {
        self.expectations
    }

    /// The source line under way (or the last one).
    pub fn line_number(&self) -> usize {
        let i = self.pc.min(self.script.lines.len().saturating_sub(1));
        self.script.lines.get(i).map_or(0, |l| l.number)
    }

    /// What `status` lines printed since last asked.
    pub fn take_output(&mut self) -> Vec<String> {
        std::mem::take(&mut self.output)
    }

    /// The lines finished since last asked.
    pub fn take_done(&mut self) -> Vec<Done> {
        std::mem::take(&mut self.done)
    }

    pub fn is_done(&self) -> bool {
        self.pc >= self.script.lines.len()
    }

    /// Runs lines until one must wait; says until when, or that the script is done.
    pub fn poll(&mut self, world: &mut World) -> Result<Next, RunError> {
        while let Some(line) = self.script.lines.get(self.pc) {
            let (number, stmt) = (line.number, line.stmt.clone());
            let err = |message: String| RunError {
                line: number,
                message,
            };
            if self.wait.is_none() && !is_expectation(&stmt) {
                self.note(world, number, &stmt, false);
            }
            if let Some(t) = self.step(world, &stmt).map_err(err)? {
                return Ok(Next::RunTo(t));
            }
            self.finish(world, number, &stmt);
        }
        self.end(world)
    }

    /// Runs or resumes one line: `Some(t)` while it waits for time `t`.
    fn step(&mut self, world: &mut World, stmt: &Stmt) -> Result<Option<Millis>, String> {
        let now = world.now();
        let step_to = |deadline: Millis| Some(now.saturating_add(UNTIL_STEP).min(deadline));
        match (stmt, self.wait.clone()) {
            (Stmt::Run(d), None) => {
                // Even `run 0s` lets what is due now happen.
                let deadline = now.saturating_add(*d);
                self.wait = Some(Wait::Until { deadline });
                Ok(Some(deadline))
            }
            (Stmt::Run(_), Some(Wait::Until { deadline })) => {
                Ok((deadline > now).then_some(deadline))
            }
            (Stmt::Until(goal, timeout), wait) => {
                let timeout = timeout.unwrap_or(DEFAULT_UNTIL_TIMEOUT);
                let deadline = match wait {
                    Some(Wait::Goal { deadline }) => deadline,
                    _ => now.saturating_add(timeout),
                };
                self.wait = Some(Wait::Goal { deadline });
                Ok((!goal_reached(world, *goal, timeout, deadline)?)
                    .then(|| step_to(deadline))
                    .flatten())
            }
            (Stmt::Act(cmd), None) => {
                let held = cmd.holds_script().then(|| cmd.client_name()).flatten();
                let before = held.map(|name| client_results(world, name));
                world.apply(cmd.clone())?;
                match before {
                    Some(before) => {
                        let deadline = now.saturating_add(CLIENT_HOLD_TIMEOUT);
                        self.wait = Some(Wait::Hold { before, deadline });
                        self.held(world, cmd, before, deadline)
                    }
                    None => Ok(None),
                }
            }
            (Stmt::Act(cmd), Some(Wait::Hold { before, deadline })) => {
                self.held(world, cmd, before, deadline)
            }
            (Stmt::Status, _) => {
                self.output.push(status_json(&world.view()));
                Ok(None)
            }
            (stmt, _) => match expectation(world, stmt) {
                Some(result) => {
                    result?;
                    self.expectations += 1;
                    self.expected = true;
                    Ok(None)
                }
                None => unreachable!("configuration lines are left out: {stmt}"),
            },
        }
    }

    fn held(
        &self,
        world: &World,
        cmd: &Command,
        before: u64,
        deadline: Millis,
    ) -> Result<Option<Millis>, String> {
        let name = cmd.client_name().expect("a held command names its client");
        let done = held_done(world, cmd, name, before, deadline)?;
        let now = world.now();
        Ok((!done).then(|| now.saturating_add(UNTIL_STEP).min(deadline)))
    }

    fn note(&mut self, world: &World, line: usize, stmt: &Stmt, expectation: bool) {
        self.done.push(Done {
            line,
            at: world.now(),
            text: stmt.to_string(),
            expectation,
        });
    }

    /// A line is over: on to the next, noting whether the checker found something during it.
    fn finish(&mut self, world: &World, number: usize, stmt: &Stmt) {
        self.wait = None;
        self.pc += 1;
        if std::mem::take(&mut self.expected) {
            self.note(world, number, stmt, true);
        }
        if self.first_violation_line.is_none() && !world.violations().is_empty() {
            self.first_violation_line = Some(number);
        }
    }

    /// At the end: the checker's findings are an error unless the script expects them.
    fn end(&self, world: &World) -> Result<Next, RunError> {
        match (self.first_violation_line, self.expects_violation) {
            (Some(line), false) => {
                let all = world.violations();
                Err(RunError {
                    line,
                    message: format!(
                        "the invariant checker found {} during this line, and the script never says `expect violation`; the first: {}",
                        plural(all.len(), "violation"),
                        describe(&all[0])
                    ),
                })
            }
            _ => Ok(Next::Done),
        }
    }
}
