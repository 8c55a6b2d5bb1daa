//! The privacy explanation the person hears (or reads on the phone) before they agree to a
//! check being recorded: what is kept, why, for how long, who sees it, and their rights. Plain
//! English, one place, each point with a stable key so it can be translated like the rest of
//! the person-facing wording. The periods come from the programme's retention settings, so
//! what the person is told is what the server does.

use crate::triage::ProgrammeSettings;

/// One point of the explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrivacyPoint {
    /// Stable key for translation, e.g. `privacy-what`.
    pub key: &'static str,
    /// The question it answers.
    pub heading: &'static str,
    /// The answer, in plain English.
    pub text: String,
}

/// The explanation, in the order it is read out.
pub fn privacy_notice(settings: &ProgrammeSettings) -> Vec<PrivacyPoint> {
    vec![
        PrivacyPoint {
            key: "privacy-what",
            heading: "What we keep",
            text: "Your blood pressure reading, your answers (age group, sex, ethnic group, \
                   health questions) and the area you live in. Not your name, address or \
                   date of birth. We do not keep your postcode."
                .into(),
        },
        PrivacyPoint {
            key: "privacy-why",
            heading: "Why",
            text: "So a nurse can follow up a high reading, and so the NHS can see which \
                   communities the checks reach and what gets in the way of care."
                .into(),
        },
        PrivacyPoint {
            key: "privacy-how-long",
            heading: "For how long",
            text: format!(
                "If you give a phone number, it is deleted when the follow-up ends, and \
                 always within {} days. The check itself is kept for {} years, then made \
                 harder to link to anyone.",
                settings.contact_retention_days, settings.pseudonymise_after_years
            ),
        },
        PrivacyPoint {
            key: "privacy-who",
            heading: "Who sees it",
            text: "The volunteer, the programme's nurses and coordinators. Reports for the NHS \
                   only show totals, never small numbers that could point to a person."
                .into(),
        },
        PrivacyPoint {
            key: "privacy-rights",
            heading: "Your choice",
            text: "You can say no and still have your blood pressure checked. You can ask the \
                   programme to delete your record at any time; tell them where and when you \
                   were checked."
                .into(),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_tells_the_periods_the_server_applies() {
        let settings = ProgrammeSettings {
            contact_retention_days: 14,
            pseudonymise_after_years: 6,
            ..ProgrammeSettings::default()
        };
        let notice = privacy_notice(&settings);
        let all: String = notice.iter().map(|p| p.text.as_str()).collect();
        assert!(all.contains("within 14 days") && all.contains("kept for 6 years"));
        assert!(all.contains("Not your name"));
        let mut keys: Vec<&str> = notice.iter().map(|p| p.key).collect();
        keys.dedup();
        assert_eq!(keys.len(), 5);
    }
}
