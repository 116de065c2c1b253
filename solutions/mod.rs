//! The finished scenarios: the guide's `locustfile.py` with every `TODO:` completed. Compiled
//! into `loadlab` (for `run --solutions` and the tutor's demos) and shown by
//! `loadlab solution ITEM` as a diff against the learner's file in `exercises/`, which has the
//! same files and names.

pub mod mixed_workload;
pub mod release_gate;
pub mod setup_user;
pub mod spike_shape;
pub mod stress_user;
pub mod todo_user;

use loadlab::prelude::*;

/// Every user class, in the order `run` lists them.
pub fn user_classes() -> Vec<UserClass> {
    vec![
        UserClass::of::<todo_user::TodoUser>(),
        UserClass::of::<mixed_workload::MixedWorkloadUser>(),
        UserClass::of::<stress_user::StressTestUser>(),
        UserClass::of::<setup_user::SetupUser>(),
    ]
}

/// Everything the solutions offer to `run --solutions` and the grader.
pub fn workbook() -> Workbook {
    Workbook { classes: user_classes(), shapes: shapes(), release_criteria: release_gate::release_criteria }
}

/// The load shapes `run --shape NAME` can use besides the presets.
pub fn shapes() -> Vec<ShapeClass> {
    vec![ShapeClass::of::<spike_shape::SpikeShape>()]
}
