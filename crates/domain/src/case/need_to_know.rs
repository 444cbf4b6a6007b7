//! What the need-to-know events do: restriction to the case team, and time-limited grants.

use super::{Case, Grant, words};
use crate::event::{
    AccessGranted, CaseRestricted, Fact, RestrictionLifted, TeamMemberAssigned, TeamMemberRemoved,
};

impl Fact for CaseRestricted {
    fn apply(&self, case: &mut Case) {
        case.restriction = Some((self.reason, self.on));
    }

    fn describe(&self) -> String {
        format!("restricted to its team ({})", words(&self.reason))
    }
}

impl Fact for RestrictionLifted {
    fn apply(&self, case: &mut Case) {
        case.restriction = None;
    }

    fn describe(&self) -> String {
        "restriction lifted".into()
    }
}

impl Fact for TeamMemberAssigned {
    fn apply(&self, case: &mut Case) {
        if !case.team.contains(&self.user) {
            case.team.push(self.user.clone());
        }
    }

    fn describe(&self) -> String {
        format!("{} joined the case team", self.user)
    }
}

impl Fact for TeamMemberRemoved {
    fn apply(&self, case: &mut Case) {
        case.team.retain(|t| t != &self.user);
    }

    fn describe(&self) -> String {
        format!("{} left the case team", self.user)
    }
}

impl Fact for AccessGranted {
    fn apply(&self, case: &mut Case) {
        case.grants.push(Grant {
            user: self.user.clone(),
            until: self.until,
            reason: self.reason.clone(),
            granted_on: self.on,
        });
    }

    fn describe(&self) -> String {
        format!("{} granted access until {}", self.user, self.until)
    }
}
