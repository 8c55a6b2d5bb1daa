//! Ethnicity in the ONS 2021 census categories, with the NHS ethnic category code derived.
//!
//! People choose from the categories they know from the census; NHS data sets still use the
//! 2001-based NHS ethnic category codes (A–S, Z), so reports to commissioners need both.

vocab! {
    /// The ONS 2021 ethnic groups for England and Wales, and "prefer not to say".
    Ethnicity {
        AsianBangladeshi = "asian_bangladeshi" => "Asian or Asian British: Bangladeshi",
        AsianChinese = "asian_chinese" => "Asian or Asian British: Chinese",
        AsianIndian = "asian_indian" => "Asian or Asian British: Indian",
        AsianPakistani = "asian_pakistani" => "Asian or Asian British: Pakistani",
        AsianOther = "asian_other" => "Asian or Asian British: any other Asian background",
        BlackAfrican = "black_african" => "Black, Black British, Caribbean or African: African",
        BlackCaribbean = "black_caribbean" => "Black, Black British, Caribbean or African: Caribbean",
        BlackOther = "black_other" => "Black, Black British, Caribbean or African: any other Black background",
        MixedWhiteAsian = "mixed_white_asian" => "Mixed or multiple ethnic groups: White and Asian",
        MixedWhiteBlackAfrican = "mixed_white_black_african" => "Mixed or multiple ethnic groups: White and Black African",
        MixedWhiteBlackCaribbean = "mixed_white_black_caribbean" => "Mixed or multiple ethnic groups: White and Black Caribbean",
        MixedOther = "mixed_other" => "Mixed or multiple ethnic groups: any other mixed background",
        WhiteBritish = "white_british" => "White: English, Welsh, Scottish, Northern Irish or British",
        WhiteIrish = "white_irish" => "White: Irish",
        WhiteGypsyTraveller = "white_gypsy_traveller" => "White: Gypsy or Irish Traveller",
        WhiteRoma = "white_roma" => "White: Roma",
        WhiteOther = "white_other" => "White: any other White background",
        OtherArab = "other_arab" => "Other ethnic group: Arab",
        OtherAny = "other_any" => "Other ethnic group: any other ethnic group",
        NotStated = "not_stated" => "Prefer not to say",
    }
}

impl Ethnicity {
    /// The NHS Data Dictionary ethnic category code. Categories the 2001-based NHS list has no
    /// box for (Gypsy or Irish Traveller, Roma, Arab) map to its "any other" code in their group,
    /// as NHS England's published mapping does.
    pub fn nhs_code(self) -> char {
        use Ethnicity::*;
        match self {
            WhiteBritish => 'A',
            WhiteIrish => 'B',
            WhiteGypsyTraveller | WhiteRoma | WhiteOther => 'C',
            MixedWhiteBlackCaribbean => 'D',
            MixedWhiteBlackAfrican => 'E',
            MixedWhiteAsian => 'F',
            MixedOther => 'G',
            AsianIndian => 'H',
            AsianPakistani => 'J',
            AsianBangladeshi => 'K',
            AsianOther => 'L',
            BlackCaribbean => 'M',
            BlackAfrican => 'N',
            BlackOther => 'P',
            AsianChinese => 'R',
            OtherArab | OtherAny => 'S',
            NotStated => 'Z',
        }
    }

    /// The five high-level ONS groups, for reports that need fewer rows.
    pub fn group(self) -> &'static str {
        use Ethnicity::*;
        match self {
            AsianBangladeshi | AsianChinese | AsianIndian | AsianPakistani | AsianOther => "Asian",
            BlackAfrican | BlackCaribbean | BlackOther => "Black",
            MixedWhiteAsian | MixedWhiteBlackAfrican | MixedWhiteBlackCaribbean | MixedOther => {
                "Mixed"
            }
            WhiteBritish | WhiteIrish | WhiteGypsyTraveller | WhiteRoma | WhiteOther => "White",
            OtherArab | OtherAny => "Other",
            NotStated => "Not stated",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_an_nhs_code_from_the_data_dictionary() {
        let table = [
            (Ethnicity::WhiteBritish, 'A'),
            (Ethnicity::WhiteIrish, 'B'),
            (Ethnicity::WhiteRoma, 'C'),
            (Ethnicity::MixedWhiteBlackCaribbean, 'D'),
            (Ethnicity::MixedWhiteBlackAfrican, 'E'),
            (Ethnicity::MixedWhiteAsian, 'F'),
            (Ethnicity::MixedOther, 'G'),
            (Ethnicity::AsianIndian, 'H'),
            (Ethnicity::AsianPakistani, 'J'),
            (Ethnicity::AsianBangladeshi, 'K'),
            (Ethnicity::AsianOther, 'L'),
            (Ethnicity::BlackCaribbean, 'M'),
            (Ethnicity::BlackAfrican, 'N'),
            (Ethnicity::BlackOther, 'P'),
            (Ethnicity::AsianChinese, 'R'),
            (Ethnicity::OtherArab, 'S'),
            (Ethnicity::NotStated, 'Z'),
        ];
        for (ethnicity, code) in table {
            assert_eq!(ethnicity.nhs_code(), code, "{ethnicity:?}");
        }
        assert_eq!(
            Ethnicity::ALL.len(),
            20,
            "19 ONS 2021 categories and not stated"
        );
    }

    #[test]
    fn codes_round_trip() {
        for e in Ethnicity::ALL {
            assert_eq!(Ethnicity::from_code(e.code()), Some(*e));
        }
        assert_eq!(Ethnicity::from_code("martian"), None);
    }
}
