//! The machinery that lets a group of scenario keys be declared once and
//! appear in several tables.
//!
//! The serverless keys may be set on an architecture and overridden per
//! function; the fleet and autoscaling keys may be set on an architecture
//! and per service of a microservices architecture. Each table must deny
//! unknown keys with serde's own message (which lists the table's keys in
//! order) and keep every value's `Spanned` position, so the groups cannot
//! be nested structs with `#[serde(flatten)]`: flatten turns
//! `deny_unknown_fields` off and loses spans. Instead a key group is a
//! macro holding the list of its keys (see `raw.rs`), and [`table!`]
//! splices the fields of the groups it names into a plain struct.
//!
//! A group macro is called as `group!(callback!(args))` and calls
//! `callback! { args { key: Type, ... } }`, which is how the helpers below
//! receive its keys.

/// A struct whose field list may name key groups as `..group,`: their keys
/// are spliced in at that place, in their order. Fields typed `Option<_>`
/// (all the group keys) are optional. Written `table! { blank … }`, the
/// struct also gets `blank`, which builds it with only its other fields
/// given.
macro_rules! table {
    (
        blank
        $(#[$m:meta])*
        pub struct $name:ident { $($body:tt)* }
    ) => {
        $crate::scenario::keys::table! {
            @fields [blank $(#[$m])* pub struct $name] [] [] [] $($body)*
        }
    };
    (
        $(#[$m:meta])*
        pub struct $name:ident { $($body:tt)* }
    ) => {
        $crate::scenario::keys::table! {
            @fields [$(#[$m])* pub struct $name] [] [] [] $($body)*
        }
    };
    // Done: emit the struct, and its `blank` constructor if asked for.
    (@fields [blank $($head:tt)*] [$($acc:tt)*] [$($req:ident: $rt:ty,)*] [$($opt:ident)*]) => {
        $($head)* { $($acc)* }
        impl $crate::scenario::keys::table!(@name $($head)*) {
            /// The table with its required fields and no optional key.
            pub fn blank($($req: $rt),*) -> Self {
                Self { $($req,)* $($opt: None,)* }
            }
        }
    };
    (@fields [$($head:tt)*] [$($acc:tt)*] $req:tt $opt:tt) => {
        $($head)* { $($acc)* }
    };
    (@name $(#[$m:meta])* pub struct $name:ident) => { $name };
    // A group: let its macro hand over its keys.
    (@fields $head:tt $acc:tt $req:tt $opt:tt ..$group:ident, $($rest:tt)*) => {
        $group! { table_splice!($head $acc $req $opt [$($rest)*]) }
    };
    (@fields $head:tt [$($acc:tt)*] $req:tt [$($opt:ident)*]
        $(#[$fm:meta])* pub $f:ident : Option<$t:ty>, $($rest:tt)*) => {
        $crate::scenario::keys::table! {
            @fields $head [$($acc)* $(#[$fm])* pub $f: Option<$t>,] $req [$($opt)* $f] $($rest)*
        }
    };
    (@fields $head:tt [$($acc:tt)*] [$($req:tt)*] $opt:tt
        $(#[$fm:meta])* pub $f:ident : $t:ty, $($rest:tt)*) => {
        $crate::scenario::keys::table! {
            @fields $head [$($acc)* $(#[$fm])* pub $f: $t,] [$($req)* $f: $t,] $opt $($rest)*
        }
    };
}

/// [`table!`]'s callback: splices a group's keys, then goes on.
macro_rules! table_splice {
    ($head:tt [$($acc:tt)*] $req:tt [$($opt:ident)*] [$($rest:tt)*]
        { $($k:ident: $t:ty),* $(,)? }) => {
        $crate::scenario::keys::table! {
            @fields $head [$($acc)* $(pub $k: $t,)*] $req [$($opt)* $($k)*] $($rest)*
        }
    };
}

/// A struct of a group's keys alone, with `present`, the keys given and
/// where (every key of the group must be an `Option<Spanned<_>>`).
macro_rules! group_struct {
    ($(#[$m:meta])* $name:ident { $($k:ident: $t:ty),* $(,)? }) => {
        $(#[$m])*
        pub struct $name { $(pub $k: $t,)* }
        impl $name {
            /// The keys that were given, with where.
            pub fn present(&self) -> Vec<(&'static str, std::ops::Range<usize>)> {
                let mut v = Vec::new();
                $(
                    if let Some(x) = &self.$k {
                        v.push((stringify!($k), x.span()));
                    }
                )*
                v
            }
        }
    };
}

/// `fn $get(&self) -> $group`: a table's values of the group's keys.
macro_rules! group_getter {
    ($table:ident, $get:ident, $group:ident { $($k:ident: $t:ty),* $(,)? }) => {
        impl $table {
            pub fn $get(&self) -> $group {
                $group { $($k: self.$k.clone(),)* }
            }
        }
    };
}

/// `fn $set(&mut self, from)`: copies the group's keys from another table.
macro_rules! group_copy {
    ($table:ident, $set:ident, $from:ident { $($k:ident: $t:ty),* $(,)? }) => {
        impl $table {
            pub fn $set(&mut self, from: &$from) {
                $(self.$k = from.$k.clone();)*
            }
        }
    };
}

/// `fn $set(&mut self, from: &$from)`: the group's keys `self` leaves
/// unset, taken from `from` (an architecture's defaults for a part).
macro_rules! group_default {
    ($table:ident, $set:ident, $from:ident { $($k:ident: $t:ty),* $(,)? }) => {
        impl $table {
            pub fn $set(&mut self, from: &$from) {
                $(if self.$k.is_none() {
                    self.$k = from.$k.clone();
                })*
            }
        }
    };
}

pub(crate) use {group_copy, group_default, group_getter, group_struct, table, table_splice};
