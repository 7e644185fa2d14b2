//! Contacts: the names, companies and notes behind numbers, and lookup by any number format.
//!
//! Invariant: a canonical number belongs to at most one contact. A contact change rewrites
//! the search rows of every thread its old and new numbers take part in, so searching a
//! participant's name finds the thread at once.

use std::collections::{BTreeSet, HashMap};

use rusqlite::{OptionalExtension, params};
use serde::Serialize;

use crate::events::StoreEvent;
use crate::ids::ContactId;
use crate::page::{Page, clamp_limit};
use crate::{Store, StoreError, Writer};

/// A contact to add or the new content of one to update.
#[derive(Debug, Clone, Default)]
pub struct ContactInput<'a> {
    pub display_name: &'a str,
    /// In any format; stored canonical.
    pub numbers: Vec<&'a str>,
    pub company: Option<&'a str>,
    pub notes: Option<&'a str>,
    pub tags: Vec<&'a str>,
}

/// A stored contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub id: ContactId,
    pub display_name: String,
    pub numbers: Vec<String>,
    pub company: Option<String>,
    pub notes: Option<String>,
    pub tags: Vec<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Which contacts to list (by name).
#[derive(Debug, Clone, Default)]
pub struct ContactQuery {
    pub limit: usize,
    pub after: Option<String>,
}

impl Writer<'_> {
    pub fn add_contact(
        &mut self,
        input: &ContactInput<'_>,
        now: i64,
    ) -> Result<ContactId, StoreError> {
        self.conn()
            .prepare_cached(
                "INSERT INTO contacts (display_name, company, notes, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?4)",
            )?
            .execute(params![
                input.display_name.trim(),
                input.company,
                input.notes,
                now
            ])?;
        let id = ContactId(self.conn().last_insert_rowid());
        self.write_numbers_and_tags(id, input, BTreeSet::new())?;
        Ok(id)
    }

    /// Replaces a contact's fields, numbers and tags.
    pub fn update_contact(
        &mut self,
        id: ContactId,
        input: &ContactInput<'_>,
        now: i64,
    ) -> Result<(), StoreError> {
        let n = self
            .conn()
            .prepare_cached(
                "UPDATE contacts SET display_name = ?2, company = ?3, notes = ?4, updated_at = ?5
                 WHERE id = ?1",
            )?
            .execute(params![
                id,
                input.display_name.trim(),
                input.company,
                input.notes,
                now
            ])?;
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "contact",
                id: id.0,
            });
        }
        let old: BTreeSet<String> = self
            .conn()
            .prepare_cached("DELETE FROM contact_numbers WHERE contact_id = ?1 RETURNING number")?
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        self.conn()
            .prepare_cached("DELETE FROM contact_tags WHERE contact_id = ?1")?
            .execute([id])?;
        self.write_numbers_and_tags(id, input, old)
    }

    pub fn delete_contact(&mut self, id: ContactId) -> Result<(), StoreError> {
        let old: BTreeSet<String> = self
            .conn()
            .prepare_cached("SELECT number FROM contact_numbers WHERE contact_id = ?1")?
            .query_map([id], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        if self
            .conn()
            .prepare_cached("DELETE FROM contacts WHERE id = ?1")?
            .execute([id])?
            == 0
        {
            return Err(StoreError::NotFound {
                what: "contact",
                id: id.0,
            });
        }
        for number in old {
            self.refresh_threads_with(&number)?;
        }
        self.emit(StoreEvent::ContactChanged { contact_id: id });
        Ok(())
    }

    fn write_numbers_and_tags(
        &mut self,
        id: ContactId,
        input: &ContactInput<'_>,
        mut affected: BTreeSet<String>,
    ) -> Result<(), StoreError> {
        for raw in &input.numbers {
            let number = self.plan.canonical(raw)?;
            let owner: Option<ContactId> = self
                .conn()
                .prepare_cached("SELECT contact_id FROM contact_numbers WHERE number = ?1")?
                .query_row([number.as_str()], |r| r.get(0))
                .optional()?;
            match owner {
                Some(owner) if owner == id => continue,
                Some(owner) => {
                    return Err(StoreError::NumberTaken {
                        number: number.as_str().to_owned(),
                        contact_id: owner.0,
                    });
                }
                None => {}
            }
            self.conn()
                .prepare_cached("INSERT INTO contact_numbers (number, contact_id) VALUES (?1, ?2)")?
                .execute(params![number.as_str(), id])?;
            affected.insert(number.as_str().to_owned());
        }
        for tag in &input.tags {
            let tag = tag.trim();
            if !tag.is_empty() {
                self.conn()
                    .prepare_cached(
                        "INSERT OR IGNORE INTO contact_tags (contact_id, tag) VALUES (?1, ?2)",
                    )?
                    .execute(params![id, tag])?;
            }
        }
        for number in affected {
            self.refresh_threads_with(&number)?;
        }
        self.emit(StoreEvent::ContactChanged { contact_id: id });
        Ok(())
    }
}

const CONTACT_COLUMNS: &str = "id, display_name, company, notes, created_at, updated_at";

fn contact_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Contact> {
    Ok(Contact {
        id: r.get(0)?,
        display_name: r.get(1)?,
        numbers: Vec::new(),
        company: r.get(2)?,
        notes: r.get(3)?,
        tags: Vec::new(),
        created_at: r.get(4)?,
        updated_at: r.get(5)?,
    })
}

impl Store {
    /// A page of contacts by name (case-insensitive), then id.
    pub fn contacts(&self, query: &ContactQuery) -> Result<Page<Contact>, StoreError> {
        let limit = clamp_limit(query.limit);
        // The cursor is "<id>.<name>": the sort key of the last contact shown.
        let (after_id, after_name) = match &query.after {
            Some(c) => {
                let (id, name) = c
                    .split_once('.')
                    .ok_or_else(|| StoreError::InvalidCursor(c.clone()))?;
                let id: i64 = id
                    .parse()
                    .map_err(|_| StoreError::InvalidCursor(c.clone()))?;
                (id, Some(name.to_owned()))
            }
            None => (0, None),
        };
        let mut rows = self
            .conn
            .prepare_cached(&format!(
                "SELECT {CONTACT_COLUMNS} FROM contacts
                 WHERE ?1 IS NULL
                    OR display_name COLLATE NOCASE > ?1
                    OR (display_name COLLATE NOCASE = ?1 AND id > ?2)
                 ORDER BY display_name COLLATE NOCASE, id LIMIT ?3"
            ))?
            .query_map(
                params![after_name, after_id, limit as i64 + 1],
                contact_from_row,
            )?
            .collect::<Result<Vec<_>, _>>()?;
        self.attach_numbers_and_tags(&mut rows)?;
        Ok(Page::from_rows(rows, limit, |c| {
            format!("{}.{}", c.id, c.display_name)
        }))
    }

    /// The contact a number (in any format) belongs to.
    pub fn contact_by_number(&self, number: &str) -> Result<Option<Contact>, StoreError> {
        let number = self.plan.canonical(number)?;
        let found = self
            .conn
            .prepare_cached(&format!(
                "SELECT {CONTACT_COLUMNS} FROM contacts
                 WHERE id = (SELECT contact_id FROM contact_numbers WHERE number = ?1)"
            ))?
            .query_row([number.as_str()], contact_from_row)
            .optional()?;
        let mut found: Vec<Contact> = found.into_iter().collect();
        self.attach_numbers_and_tags(&mut found)?;
        Ok(found.pop())
    }

    pub fn contact(&self, id: ContactId) -> Result<Contact, StoreError> {
        let found = self
            .conn
            .prepare_cached(&format!(
                "SELECT {CONTACT_COLUMNS} FROM contacts WHERE id = ?1"
            ))?
            .query_row([id], contact_from_row)
            .optional()?
            .ok_or(StoreError::NotFound {
                what: "contact",
                id: id.0,
            })?;
        let mut one = vec![found];
        self.attach_numbers_and_tags(&mut one)?;
        Ok(one.remove(0))
    }

    fn attach_numbers_and_tags(&self, contacts: &mut [Contact]) -> Result<(), StoreError> {
        if contacts.is_empty() {
            return Ok(());
        }
        let ids = crate::sql::json_ids(contacts.iter().map(|c| c.id.0));
        let mut numbers: HashMap<ContactId, Vec<String>> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT contact_id, number FROM contact_numbers
             WHERE contact_id IN (SELECT value FROM json_each(?1)) ORDER BY contact_id, number",
        )?;
        for row in stmt.query_map([&ids], |r| Ok((r.get(0)?, r.get(1)?)))? {
            let (c, n) = row?;
            numbers.entry(c).or_default().push(n);
        }
        let mut tags: HashMap<ContactId, Vec<String>> = HashMap::new();
        let mut stmt = self.conn.prepare_cached(
            "SELECT contact_id, tag FROM contact_tags
             WHERE contact_id IN (SELECT value FROM json_each(?1)) ORDER BY contact_id, tag",
        )?;
        for row in stmt.query_map([&ids], |r| Ok((r.get(0)?, r.get(1)?)))? {
            let (c, t) = row?;
            tags.entry(c).or_default().push(t);
        }
        for c in contacts {
            c.numbers = numbers.remove(&c.id).unwrap_or_default();
            c.tags = tags.remove(&c.id).unwrap_or_default();
        }
        Ok(())
    }
}
