//! The `vocab!` macro behind every closed list in the record, and the [`Vocab`] trait that
//! lets the edges (SQL columns, query strings) read any of them the same way.

/// A closed list with stable codes.
pub trait Vocab: Sized + Copy + 'static {
    /// The stable machine code.
    fn code_of(self) -> &'static str;

    /// Parses a stable code back; `None` for anything not on the list.
    fn parse_code(code: &str) -> Option<Self>;

    /// The words a person reads, printed beside the code in exports.
    fn label_of(self) -> &'static str;
}

/// Declares a closed list: the enum, its stable codes, labels and the full list in display order.
macro_rules! vocab {
    (
        $(#[$meta:meta])*
        $name:ident { $( $variant:ident = $code:literal => $label:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
            autosurgeon::Hydrate,
        )]
        pub enum $name {
            $(
                #[doc = $label]
                #[serde(rename = $code)]
                #[autosurgeon(rename = $code)]
                $variant,
            )+
        }

        impl $name {
            /// Every value, in the order a person should see them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable machine code, shared by the document, the database and exports.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The words a volunteer or coordinator reads.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Parses a stable code back; `None` for anything not on the list.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl $crate::Vocab for $name {
            fn code_of(self) -> &'static str {
                self.code()
            }

            fn parse_code(code: &str) -> Option<Self> {
                Self::from_code(code)
            }

            fn label_of(self) -> &'static str {
                self.label()
            }
        }
    };
}
