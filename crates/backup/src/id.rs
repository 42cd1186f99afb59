//! Backup ids: `20261128T220000Z-0a1b2c3d4e5f6071`, the UTC second the backup started and 8
//! random bytes in hex. Ids sort by time as strings (and as R2 keys); two backups of one store
//! in the same second differ by their suffix.

use serde::{Deserialize, Serialize};
use std::fmt;
use time::OffsetDateTime;
use time::macros::format_description;

/// Random bytes in an id's suffix.
pub const SUFFIX_BYTES: usize = 8;
const STAMP_LEN: usize = 16; // 20261128T220000Z
const ID_LEN: usize = STAMP_LEN + 1 + SUFFIX_BYTES * 2;

/// A backup's id. Parsing checks the exact shape, so an id is always safe inside an R2 key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct BackupId(String);

/// Why a string is not a backup id; the message can be shown to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BackupIdError {
    /// Not of the form `YYYYMMDDTHHMMSSZ-` and 16 lowercase hex characters.
    Shape,
    /// The time is before 1970 or not a real date.
    Time,
}

impl fmt::Display for BackupIdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BackupIdError::Shape => f.write_str(
                "a backup id looks like 20261128T220000Z-0a1b2c3d4e5f6071 (UTC time, dash, 16 \
                 lowercase hex characters)",
            ),
            BackupIdError::Time => f.write_str("the backup id's time is not a real UTC time"),
        }
    }
}

impl std::error::Error for BackupIdError {}

impl BackupId {
    /// The id of a backup started at `created_ms` (Unix ms, from the shell's clock) with
    /// `random` bytes from the runtime's CSPRNG.
    pub fn new(created_ms: u64, random: [u8; SUFFIX_BYTES]) -> Result<BackupId, BackupIdError> {
        let secs = i64::try_from(created_ms / 1000).map_err(|_| BackupIdError::Time)?;
        let at = OffsetDateTime::from_unix_timestamp(secs).map_err(|_| BackupIdError::Time)?;
        let stamp = at
            .format(format_description!(
                "[year][month][day]T[hour][minute][second]Z"
            ))
            .map_err(|_| BackupIdError::Time)?;
        if stamp.len() != STAMP_LEN {
            return Err(BackupIdError::Time);
        }
        let suffix = hex::encode(random);
        Ok(BackupId(format!("{stamp}-{suffix}")))
    }

    /// Accepts exactly the shape [`BackupId::new`] makes.
    pub fn parse(raw: &str) -> Result<BackupId, BackupIdError> {
        let (stamp, suffix) = raw.split_once('-').ok_or(BackupIdError::Shape)?;
        let stamp_ok = raw.len() == ID_LEN
            && stamp.len() == STAMP_LEN
            && stamp.bytes().enumerate().all(|(i, b)| match i {
                8 => b == b'T',
                15 => b == b'Z',
                _ => b.is_ascii_digit(),
            });
        let suffix_ok = suffix.len() == SUFFIX_BYTES * 2
            && suffix
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !(stamp_ok && suffix_ok) {
            return Err(BackupIdError::Shape);
        }
        let id = BackupId(raw.to_owned());
        id.created_ms()?;
        Ok(id)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// When the backup started, in Unix ms (to the second).
    pub fn created_ms(&self) -> Result<u64, BackupIdError> {
        let stamp = self.0.get(..STAMP_LEN).ok_or(BackupIdError::Shape)?;
        let at = time::PrimitiveDateTime::parse(
            stamp,
            format_description!("[year][month][day]T[hour][minute][second]Z"),
        )
        .map_err(|_| BackupIdError::Time)?
        .assume_utc();
        let secs = u64::try_from(at.unix_timestamp()).map_err(|_| BackupIdError::Time)?;
        Ok(secs * 1000)
    }
}

impl fmt::Display for BackupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for BackupId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        BackupId::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-11-28T22:00:00Z
    const T: u64 = 1_795_903_200_000;

    #[test]
    fn an_id_shows_its_utc_second_and_its_random_suffix() {
        let id = BackupId::new(T + 999, [0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f, 0x60, 0x71])
            .expect("valid time");
        assert_eq!(id.as_str(), "20261128T220000Z-0a1b2c3d4e5f6071");
        assert_eq!(id.created_ms(), Ok(T));
        assert_eq!(BackupId::parse(id.as_str()), Ok(id));
    }

    #[test]
    fn ids_sort_by_time_whatever_their_suffix() {
        let earlier = BackupId::new(T, [0xff; SUFFIX_BYTES]).expect("valid");
        let later = BackupId::new(T + 1000, [0; SUFFIX_BYTES]).expect("valid");
        let next_day = BackupId::new(T + 86_400_000, [0; SUFFIX_BYTES]).expect("valid");
        assert!(earlier < later && later < next_day);
        assert!(earlier.as_str() < later.as_str());
    }

    #[test]
    fn hostile_or_wrong_strings_are_not_ids() {
        for raw in [
            "",
            "20261128T220000Z",
            "20261128T220000Z-0a1b2c3d4e5f607",
            "20261128T220000Z-0a1b2c3d4e5f60711",
            "20261128T220000Z-0A1B2C3D4E5F6071",
            "20261128T220000Z-../../other/keys",
            "20261128X220000Z-0a1b2c3d4e5f6071",
            "2026112aT220000Z-0a1b2c3d4e5f6071",
            "20261128T220000Z/0a1b2c3d4e5f6071",
            "20261128T220000Z-0a1b2c3d4e5f607é",
        ] {
            assert!(BackupId::parse(raw).is_err(), "{raw:?} must be refused");
        }
        assert_eq!(
            BackupId::parse("20261399T250000Z-0a1b2c3d4e5f6071"),
            Err(BackupIdError::Time)
        );
        assert!(serde_json::from_str::<BackupId>("\"../x\"").is_err());
    }

    #[test]
    fn times_beyond_year_9999_cannot_make_an_id() {
        assert_eq!(BackupId::new(u64::MAX, [0; 8]), Err(BackupIdError::Time));
        assert_eq!(
            BackupId::new(253_402_300_800_000, [0; 8]),
            Err(BackupIdError::Time)
        );
        assert!(BackupId::new(253_402_300_799_000, [0; 8]).is_ok());
        assert_eq!(
            BackupId::new(0, [0; 8]).map(|i| i.to_string()),
            Ok("19700101T000000Z-0000000000000000".into())
        );
    }
}
