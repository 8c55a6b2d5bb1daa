//! The closed lists a check is recorded against.
//!
//! Every answer a volunteer picks from a list is an enum, so a typo can never become a new
//! category in a commissioner's report. Each value has a stable `code` (used in the CRDT
//! document, SQL rows, JSON and CSV) and a plain-English `label` (shown on screen).

vocab! {
    /// Where the stall stood: reach is reported by venue type.
    VenueType {
        Library = "library" => "Library",
        Market = "market" => "Market",
        FoodBank = "food_bank" => "Food bank",
        CommunityCentre = "community_centre" => "Community centre",
        PlaceOfWorship = "place_of_worship" => "Place of worship",
        Pharmacy = "pharmacy" => "Pharmacy",
        Other = "other" => "Other venue",
    }
}

vocab! {
    /// Age in bands, not a birth date: enough for equity reporting, less to identify a person.
    AgeBand {
        Age18To29 = "18_29" => "18 to 29",
        Age30To39 = "30_39" => "30 to 39",
        Age40To49 = "40_49" => "40 to 49",
        Age50To59 = "50_59" => "50 to 59",
        Age60To69 = "60_69" => "60 to 69",
        Age70To79 = "70_79" => "70 to 79",
        Age80Plus = "80_plus" => "80 or over",
        NotSaid = "not_said" => "Prefer not to say",
    }
}

vocab! {
    /// Sex as the person describes it.
    Sex {
        Female = "female" => "Female",
        Male = "male" => "Male",
        Other = "other" => "Other",
        NotSaid = "not_said" => "Prefer not to say",
    }
}

vocab! {
    /// Whether the person already knows they have high blood pressure; changes the advice and
    /// whether a stage 1 reading is "newly identified".
    KnownHypertension {
        No = "no" => "No",
        YesOnMedication = "yes_on_medication" => "Yes, taking medication",
        YesNotOnMedication = "yes_not_on_medication" => "Yes, not taking medication",
        Unsure = "unsure" => "Not sure",
    }
}

vocab! {
    /// Other conditions the person mentioned.
    Condition {
        Diabetes = "diabetes" => "Diabetes",
        HighCholesterol = "high_cholesterol" => "High cholesterol",
        HeartDisease = "heart_disease" => "Heart disease",
        KidneyDisease = "kidney_disease" => "Kidney disease",
        Stroke = "stroke" => "Previous stroke or mini-stroke",
        Other = "other" => "Another condition",
    }
}

vocab! {
    /// Smoking status.
    Smoking {
        Never = "never" => "Never smoked",
        Former = "former" => "Used to smoke",
        Current = "current" => "Smokes now",
        NotSaid = "not_said" => "Prefer not to say",
    }
}

vocab! {
    /// Whether English is the person's first language; an equity measure.
    EnglishFirstLanguage {
        Yes = "yes" => "Yes",
        No = "no" => "No",
        NotSaid = "not_said" => "Prefer not to say",
    }
}

vocab! {
    /// Symptoms that mean "call 999 now", whatever the numbers say.
    RedFlag {
        ChestPain = "chest_pain" => "Chest pain",
        Breathlessness = "breathlessness" => "Severe breathlessness",
        StrokeSigns = "stroke_signs" => "Signs of stroke (face, arms, speech)",
        Collapse = "collapse" => "Collapsed or fainted now",
        SevereHeadacheConfusion = "severe_headache_confusion" => "Severe headache with confusion or vision change",
    }
}

vocab! {
    /// Symptoms asked about when a reading is low: they decide whether low blood pressure matters.
    /// All are "recently", never "now": fainting or collapse now is the red flag
    /// [`RedFlag::Collapse`], so one person cannot get 999 or a GP depending on which is ticked.
    LowBpSymptom {
        Fainting = "fainting" => "Fainted recently (not now)",
        Falls = "falls" => "Fallen recently",
        Dizziness = "dizziness" => "Dizzy or light-headed",
        Nausea = "nausea" => "Feeling sick",
        Tiredness = "tiredness" => "Very tired",
    }
}

impl KnownHypertension {
    /// Already diagnosed (on medication or not): stage 1–2 wording says "review", and a raised
    /// reading is not "newly identified".
    pub fn is_diagnosed(self) -> bool {
        matches!(
            self,
            KnownHypertension::YesOnMedication | KnownHypertension::YesNotOnMedication
        )
    }
}

impl LowBpSymptom {
    /// Fainting and falls make low blood pressure a same-day matter (triage row 4).
    pub fn is_serious(self) -> bool {
        matches!(self, LowBpSymptom::Fainting | LowBpSymptom::Falls)
    }
}

vocab! {
    /// Advice and signposting the volunteer gave.
    Advice {
        Lifestyle = "lifestyle" => "Lifestyle advice",
        Leaflet = "leaflet" => "Leaflet given",
        Gp = "gp" => "See GP",
        Pharmacy = "pharmacy" => "Pharmacy blood pressure check",
        Nhs111 = "nhs_111" => "NHS 111",
        Call999 = "call_999" => "Call 999",
    }
}

vocab! {
    /// What the person said gets in the way of care: the community's voice to decision-makers.
    Barrier {
        GpAccess = "gp_access" => "Hard to get a GP appointment",
        Language = "language" => "Language",
        Cost = "cost" => "Cost (travel, prescriptions)",
        WorkHours = "work_hours" => "Work hours",
        Caring = "caring" => "Caring responsibilities",
        Distrust = "distrust" => "Distrust of services",
        NotRegistered = "not_registered" => "Not registered with a GP",
        Transport = "transport" => "Transport",
        Other = "other" => "Something else",
    }
}

vocab! {
    /// What the person said helps them get checked and cared for: the other half of the
    /// community's voice, beside [`Barrier`], so decision-makers hear what to keep doing as well
    /// as what to fix. The list is what community blood-pressure programmes report as the reasons
    /// people came forward (NHS England's Core20PLUS Connectors and "Community Connectors"
    /// write-ups, Blood Pressure UK's Know Your Numbers! outreach, and the pharmacy and
    /// community-venue check evaluations summarised by the Healthy London Partnership): checks
    /// where people already go, with no appointment, in their language, by someone from their
    /// community, near home or work, free, at hours that fit work, with time to talk and the
    /// numbers to take away. It mirrors the barriers (GP access, language, cost, work hours,
    /// distrust) so each barrier has an answer a report can set beside it. The programme should
    /// re-check the list against its own evaluation before its first board report.
    Enabler {
        FamiliarVenue = "familiar_venue" => "A check at a place I already go",
        NoAppointment = "no_appointment" => "No appointment needed",
        MyLanguage = "my_language" => "Someone who speaks my language",
        FromMyCommunity = "from_my_community" => "Someone from my community",
        NearHomeOrWork = "near_home_or_work" => "Near home or work",
        Free = "free" => "Free of charge",
        OutOfHours = "out_of_hours" => "Evenings or weekends",
        TimeToTalk = "time_to_talk" => "Time to talk and ask questions",
        NumbersToTakeAway = "numbers_to_take_away" => "My numbers to take away",
        Other = "other" => "Something else",
    }
}

vocab! {
    /// The coordinator's review of a synced record.
    ReviewState {
        Received = "received" => "Received",
        HasIssues = "has_issues" => "Has issues",
        Approved = "approved" => "Approved",
    }
}

vocab! {
    /// Where a flagged reading is in the supervisor's follow-up.
    FollowUpState {
        NotNeeded = "not_needed" => "No follow-up needed",
        Open = "open" => "Waiting for a supervisor",
        Claimed = "claimed" => "A supervisor is following up",
        Closed = "closed" => "Follow-up closed",
    }
}

vocab! {
    /// How a follow-up ended.
    Outcome {
        AdvisedGp = "advised_gp" => "Advised to see GP",
        Nhs111 = "nhs_111" => "Advised NHS 111",
        UrgentCare = "urgent_care" => "Sent to urgent care",
        PharmacyCheck = "pharmacy_check" => "Booked pharmacy check",
        AlreadyUnderCare = "already_under_care" => "Already under care",
        Declined = "declined" => "Declined",
        Unreachable = "unreachable" => "Unreachable after attempts",
    }
}

vocab! {
    /// The person's main language, the one equity reports break down by (ONS Census 2021
    /// TS024 "Main language": the languages most spoken in the programme's north and west
    /// London boroughs besides English). Codes are BCP 47 tags so the phone can hand them to
    /// the browser's number, date and speech services; `other` and `not_said` keep the list
    /// closed without forcing a wrong answer.
    Language {
        English = "en" => "English",
        Arabic = "ar" => "Arabic",
        Bengali = "bn" => "Bengali",
        Bulgarian = "bg" => "Bulgarian",
        Greek = "el" => "Greek",
        Spanish = "es" => "Spanish",
        Persian = "fa" => "Persian (Farsi)",
        French = "fr" => "French",
        Gujarati = "gu" => "Gujarati",
        Italian = "it" => "Italian",
        Lithuanian = "lt" => "Lithuanian",
        Punjabi = "pa" => "Punjabi",
        Polish = "pl" => "Polish",
        Portuguese = "pt" => "Portuguese",
        Romanian = "ro" => "Romanian",
        Somali = "so" => "Somali",
        Albanian = "sq" => "Albanian",
        Tamil = "ta" => "Tamil",
        Turkish = "tr" => "Turkish",
        Urdu = "ur" => "Urdu",
        Other = "other" => "Another language",
        NotSaid = "not_said" => "Prefer not to say",
    }
}
