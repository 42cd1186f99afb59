//! devshop's schema is exactly the Storefront subset in `crates/shopify/graphql/schema.graphql`:
//! same types, fields, arguments (with defaults), enum values, unions and interfaces.

use std::collections::BTreeMap;
use std::path::PathBuf;

use async_graphql::parser::types::{
    FieldDefinition, InputValueDefinition, TypeDefinition, TypeKind, TypeSystemDefinition,
};
use async_graphql::parser::{Positioned, parse_schema};

pub fn shopify_graphql_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shopify/graphql")
}

const BUILT_IN: [&str; 5] = ["String", "Int", "Float", "Boolean", "ID"];

fn input_value(v: &InputValueDefinition) -> String {
    let default = v.default_value.as_ref().map(|d| {
        let text = d.node.to_string();
        // `0` and `0.0` are the same default.
        match text.parse::<f64>() {
            Ok(n) => format!(" = {n}"),
            Err(_) => format!(" = {text}"),
        }
    });
    format!(
        "{}: {}{}",
        v.name.node,
        v.ty.node,
        default.unwrap_or_default()
    )
}

fn deprecation(directives: &[Positioned<async_graphql::parser::types::ConstDirective>]) -> String {
    directives
        .iter()
        .filter(|d| d.node.name.node == "deprecated")
        .map(|_| " @deprecated".to_string())
        .collect()
}

fn field(f: &FieldDefinition) -> String {
    let mut args: Vec<String> = f.arguments.iter().map(|a| input_value(&a.node)).collect();
    args.sort();
    format!(
        "{}({}): {}{}",
        f.name.node,
        args.join(", "),
        f.ty.node,
        deprecation(&f.directives)
    )
}

/// Type name → sorted lines describing it.
fn normalize(sdl: &str) -> (BTreeMap<String, Vec<String>>, Vec<String>) {
    let doc = parse_schema(sdl).expect("SDL parses");
    let mut types = BTreeMap::new();
    let mut roots = Vec::new();
    for def in doc.definitions {
        match def {
            TypeSystemDefinition::Schema(s) => {
                let s = s.node;
                roots.push(format!("query: {:?}", s.query.map(|q| q.node.to_string())));
                roots.push(format!(
                    "mutation: {:?}",
                    s.mutation.map(|q| q.node.to_string())
                ));
            }
            TypeSystemDefinition::Type(t) => {
                let TypeDefinition { name, kind, .. } = t.node;
                let name = name.node.to_string();
                if name.starts_with("__") || BUILT_IN.contains(&name.as_str()) {
                    continue;
                }
                let mut lines: Vec<String> = match kind {
                    TypeKind::Scalar => vec!["scalar".into()],
                    TypeKind::Object(o) => o
                        .fields
                        .iter()
                        .map(|f| field(&f.node))
                        .chain(
                            o.implements
                                .iter()
                                .map(|i| format!("implements {}", i.node)),
                        )
                        .chain(["type".into()])
                        .collect(),
                    TypeKind::Interface(o) => o
                        .fields
                        .iter()
                        .map(|f| field(&f.node))
                        .chain(["interface".into()])
                        .collect(),
                    TypeKind::Union(u) => u
                        .members
                        .iter()
                        .map(|m| format!("member {}", m.node))
                        .chain(["union".into()])
                        .collect(),
                    TypeKind::Enum(e) => e
                        .values
                        .iter()
                        .map(|v| format!("value {}", v.node.value.node))
                        .chain(["enum".into()])
                        .collect(),
                    TypeKind::InputObject(i) => i
                        .fields
                        .iter()
                        .map(|f| input_value(&f.node))
                        .chain(["input".into()])
                        .collect(),
                };
                lines.sort();
                types.insert(name, lines);
            }
            TypeSystemDefinition::Directive(_) => {}
        }
    }
    (types, roots)
}

#[test]
fn schema_matches_the_shopify_crates_schema_file() {
    let path = shopify_graphql_dir().join("schema.graphql");
    let Ok(theirs) = std::fs::read_to_string(&path) else {
        eprintln!("SKIPPED: {} does not exist yet", path.display());
        return;
    };
    let (expected, expected_roots) = normalize(&theirs);
    let (actual, actual_roots) = normalize(&devshop::schema::sdl());
    assert!(
        expected.len() > 40,
        "the schema file parsed into {} types",
        expected.len()
    );
    assert_eq!(actual_roots, expected_roots);
    let mut problems = Vec::new();
    for (name, lines) in &expected {
        match actual.get(name) {
            None => problems.push(format!("missing type {name}")),
            Some(ours) if ours != lines => {
                for l in lines.iter().filter(|l| !ours.contains(l)) {
                    problems.push(format!("{name}: missing or different `{l}`"));
                }
                for l in ours.iter().filter(|l| !lines.contains(l)) {
                    problems.push(format!("{name}: extra `{l}`"));
                }
            }
            Some(_) => {}
        }
    }
    for name in actual.keys().filter(|n| !expected.contains_key(*n)) {
        problems.push(format!("extra type {name}"));
    }
    assert!(
        problems.is_empty(),
        "schema drift:\n{}",
        problems.join("\n")
    );
}
