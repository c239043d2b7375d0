//! The page's root: the side-by-side view with `compare=1`, the single ensemble otherwise.

use yew::prelude::*;

use super::params::Params;
use super::{App, Compare};

#[function_component(Root)]
pub fn root() -> Html {
    let compare = use_memo((), |_| Params::from_location().0.compare);
    if *compare {
        html! { <Compare /> }
    } else {
        html! { <App /> }
    }
}
