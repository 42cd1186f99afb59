//! What is wrong with a theme: one entry per problem, each with the field's path.

use serde::Serialize;

/// One problem with a theme document, e.g. `{"path": "colors.accent", "message": "…"}`.
/// `path` uses dots for fields and `[n]` for list items
/// (`layout.home.sections[3].settings.heading`); the empty path is the document itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThemeFieldError {
    pub path: String,
    pub message: String,
}

impl ThemeFieldError {
    pub fn new(path: &str, message: impl Into<String>) -> ThemeFieldError {
        ThemeFieldError {
            path: path.to_owned(),
            message: message.into(),
        }
    }
}

/// Why a stored theme could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredThemeError {
    /// Written by a newer version of WandStore than this one.
    TooNew { found: u32, known: u32 },
    /// Not a theme this code (after migration) accepts.
    Invalid(Vec<ThemeFieldError>),
}

impl std::fmt::Display for StoredThemeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoredThemeError::TooNew { found, known } => write!(
                f,
                "stored theme has schema version {found}; this build knows up to {known}"
            ),
            StoredThemeError::Invalid(errors) => {
                write!(f, "stored theme is invalid:")?;
                for e in errors {
                    write!(f, " {}: {};", e.path, e.message)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for StoredThemeError {}
