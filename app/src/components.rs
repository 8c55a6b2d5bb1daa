//! Small NHS design system building blocks the screens share.

use leptos::prelude::*;

/// A problem with one answer: the field's element id and the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Element id of the field, for the summary's link.
    pub field: String,
    /// What to fix.
    pub message: String,
}

impl Problem {
    /// A problem with a field.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The NHS error summary: every problem, each linking to its field.
#[component]
pub fn ErrorSummary(problems: Signal<Vec<Problem>>) -> impl IntoView {
    move || {
        let problems = problems.get();
        (!problems.is_empty()).then(|| {
            view! {
                <div class="nhsuk-error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1">
                    <h2 class="nhsuk-error-summary__title" id="error-summary-title">"There is a problem"</h2>
                    <div class="nhsuk-error-summary__body">
                        <ul class="nhsuk-list nhsuk-error-summary__list">
                            {problems
                                .into_iter()
                                .map(|p| view! { <li><a href=format!("#{}", p.field)>{p.message}</a></li> })
                                .collect_view()}
                        </ul>
                    </div>
                </div>
            }
        })
    }
}

/// The message of the first problem with `field`, if any.
pub fn problem_for(problems: Signal<Vec<Problem>>, field: &'static str) -> Signal<Option<String>> {
    Signal::derive(move || {
        problems.with(|all| {
            all.iter()
                .find(|p| p.field == field)
                .map(|p| p.message.clone())
        })
    })
}

/// One answer from a list, as NHS radios. `options` are (code, label) pairs.
#[component]
pub fn Choice(
    /// The question.
    legend: &'static str,
    /// The radios' name and the first radio's id.
    name: &'static str,
    /// (code, label) pairs.
    options: Vec<(&'static str, &'static str)>,
    /// The chosen code.
    #[prop(into)]
    selected: Signal<Option<&'static str>>,
    /// Called with the chosen code.
    on_pick: Callback<&'static str>,
    /// A hint under the question.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// An error to show.
    #[prop(optional, into)]
    error: Option<Signal<Option<String>>>,
    /// Side by side (for yes/no).
    #[prop(optional)]
    inline: bool,
) -> impl IntoView {
    let error = error.unwrap_or_else(|| Signal::derive(|| None));
    let hint_id = format!("{name}-hint");
    view! {
        <div class="nhsuk-form-group" class:nhsuk-form-group--error=move || error.get().is_some()>
            <fieldset class="nhsuk-fieldset" aria-describedby=hint.map(|_| hint_id.clone())>
                <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">
                    <h2 class="nhsuk-fieldset__heading">{legend}</h2>
                </legend>
                {hint.map(|h| view! { <div class="nhsuk-hint" id=hint_id.clone()>{h}</div> })}
                {move || error.get().map(|e| view! {
                    <span class="nhsuk-error-message"><span class="nhsuk-u-visually-hidden">"Error: "</span>{e}</span>
                })}
                <div class="nhsuk-radios" class:nhsuk-radios--inline=inline>
                    {options
                        .into_iter()
                        .enumerate()
                        .map(|(i, (code, label))| {
                            let id = if i == 0 { name.to_owned() } else { format!("{name}-{code}") };
                            view! {
                                <div class="nhsuk-radios__item">
                                    <input
                                        class="nhsuk-radios__input"
                                        id=id.clone()
                                        name=name
                                        type="radio"
                                        value=code
                                        prop:checked=move || selected.get() == Some(code)
                                        on:change=move |_| on_pick.run(code)
                                    />
                                    <label class="nhsuk-label nhsuk-radios__label" for=id>{label}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
        </div>
    }
}

/// Any number of answers from a list, as NHS checkboxes.
#[component]
pub fn Choices(
    /// The question.
    legend: &'static str,
    /// The checkboxes' name and the first one's id.
    name: &'static str,
    /// (code, label) pairs.
    options: Vec<(&'static str, &'static str)>,
    /// The chosen codes.
    #[prop(into)]
    selected: Signal<Vec<&'static str>>,
    /// Called with a code and whether it is now ticked.
    on_toggle: Callback<(&'static str, bool)>,
    /// A hint under the question.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// An error to show.
    #[prop(optional, into)]
    error: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let error = error.unwrap_or_else(|| Signal::derive(|| None));
    let hint_id = format!("{name}-hint");
    view! {
        <div class="nhsuk-form-group" class:nhsuk-form-group--error=move || error.get().is_some()>
            <fieldset class="nhsuk-fieldset" aria-describedby=hint.map(|_| hint_id.clone())>
                <legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">
                    <h2 class="nhsuk-fieldset__heading">{legend}</h2>
                </legend>
                {hint.map(|h| view! { <div class="nhsuk-hint" id=hint_id.clone()>{h}</div> })}
                {move || error.get().map(|e| view! {
                    <span class="nhsuk-error-message"><span class="nhsuk-u-visually-hidden">"Error: "</span>{e}</span>
                })}
                <div class="nhsuk-checkboxes">
                    {options
                        .into_iter()
                        .enumerate()
                        .map(|(i, (code, label))| {
                            let id = if i == 0 { name.to_owned() } else { format!("{name}-{code}") };
                            view! {
                                <div class="nhsuk-checkboxes__item">
                                    <input
                                        class="nhsuk-checkboxes__input"
                                        id=id.clone()
                                        name=name
                                        type="checkbox"
                                        value=code
                                        prop:checked=move || selected.get().contains(&code)
                                        on:change=move |ev| on_toggle.run((code, event_target_checked(&ev)))
                                    />
                                    <label class="nhsuk-label nhsuk-checkboxes__label" for=id>{label}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </div>
            </fieldset>
        </div>
    }
}

/// A labelled text input bound to a string signal.
#[component]
pub fn TextField(
    /// The label.
    label: &'static str,
    /// Element id.
    id: &'static str,
    /// The value.
    value: RwSignal<String>,
    /// Numeric keypad on phones.
    #[prop(optional)]
    numeric: bool,
    /// CSS width class suffix, e.g. "3" for nhsuk-input--width-3.
    #[prop(optional)]
    width: Option<&'static str>,
    /// Hint text.
    #[prop(optional)]
    hint: Option<&'static str>,
    /// An error to show.
    #[prop(optional, into)]
    error: Option<Signal<Option<String>>>,
    /// Browser autocomplete token.
    #[prop(optional)]
    autocomplete: Option<&'static str>,
    /// Input type (text by default).
    #[prop(optional)]
    kind: Option<&'static str>,
) -> impl IntoView {
    let error = error.unwrap_or_else(|| Signal::derive(|| None));
    let class = match width {
        Some(w) => format!("nhsuk-input nhsuk-input--width-{w}"),
        None => "nhsuk-input".to_owned(),
    };
    let hint_id = format!("{id}-hint");
    view! {
        <div class="nhsuk-form-group" class:nhsuk-form-group--error=move || error.get().is_some()>
            <label class="nhsuk-label" for=id>{label}</label>
            {hint.map(|h| view! { <div class="nhsuk-hint" id=hint_id.clone()>{h}</div> })}
            {move || error.get().map(|e| view! {
                <span class="nhsuk-error-message"><span class="nhsuk-u-visually-hidden">"Error: "</span>{e}</span>
            })}
            <input
                class=class
                class:nhsuk-input--error=move || error.get().is_some()
                id=id
                name=id
                type=kind.unwrap_or("text")
                inputmode=numeric.then_some("numeric")
                autocomplete=autocomplete.unwrap_or("off")
                aria-describedby=hint.map(|_| hint_id.clone())
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </div>
    }
}

/// The options of a closed list, for [`Choice`] and [`Choices`].
pub fn options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|v| (code(*v), label(*v))).collect()
}

/// "YYYY-MM-DD HH:MM" in the device's own time zone (London's, for staff at work here), so a
/// time read on a screen is the time on the clock on the wall.
pub fn local_date_time(ms: i64) -> String {
    let at = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        at.get_full_year(),
        at.get_month() + 1,
        at.get_date(),
        at.get_hours(),
        at.get_minutes()
    )
}

/// "14:05" in the phone's time zone.
pub fn time_of_day(ms: i64) -> String {
    let at = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!("{:02}:{:02}", at.get_hours(), at.get_minutes())
}

/// `items` in the order `compare` gives, equal ones kept as they came. For the short lists on the
/// phone's screens (a card's visits, today's stalls): each use of the standard library's
/// sort adds about a kilobyte of code to the phone's download, and these lists are a few
/// dozen long, where inserting each in its place is as quick.
pub fn in_order_by<T>(
    items: impl IntoIterator<Item = T>,
    compare: impl Fn(&T, &T) -> std::cmp::Ordering,
) -> Vec<T> {
    let mut ordered: Vec<T> = Vec::new();
    for item in items {
        let at = ordered.partition_point(|placed| compare(placed, &item).is_le());
        ordered.insert(at, item);
    }
    ordered
}

#[cfg(test)]
mod tests {
    use super::in_order_by;

    #[test]
    fn a_short_list_comes_out_as_a_stable_sort_would_order_it() {
        let mut seed = 7u32;
        for length in 0..40 {
            let items: Vec<(u32, usize)> = (0..length)
                .map(|i| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    ((seed >> 16) % 6, i)
                })
                .collect();
            let mut expected = items.clone();
            expected.sort_by_key(|item| item.0);
            assert_eq!(in_order_by(items, |a, b| a.0.cmp(&b.0)), expected);
        }
    }
}
