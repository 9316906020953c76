//! Turning a parsed TOML table into a checked [`HandHistory`], with positioned errors.

use super::action::ActionLine;
use super::amount::Amount;
use super::error::{PhhError, PhhErrorKind, Position};
use super::model::{HandFields, HandHistory, Label, StartingStack, TYPED_FIELDS};
use super::posts::{posts_from_node, POSTS_FIELD};
use super::toml_reader::{Node, NodeKind, TableNode};
use super::toml_value::Value;
use super::variant::VariantCode;

/// Builds the hand held by `table`.
pub(crate) fn hand_from_table(table: &TableNode) -> Result<HandHistory, PhhError> {
    let fields = Fields { table };
    let variant_node = fields.required("variant")?;
    let code = string(variant_node, "variant")?;
    let variant = VariantCode::from_code(&code).ok_or_else(|| {
        PhhError::new(
            variant_node.position,
            PhhErrorKind::UnknownVariant(code.clone()),
        )
    })?;
    let starting_stacks = array(fields.required("starting_stacks")?, "starting_stacks")?
        .iter()
        .map(starting_stack)
        .collect::<Result<Vec<_>, _>>()?;
    let players = starting_stacks.len();
    let actions_node = fields.required("actions")?;
    let actions = array(actions_node, "actions")?
        .iter()
        .enumerate()
        .map(|(index, node)| {
            let text = string(node, "actions")?;
            ActionLine::parse(&text, players).map_err(|reason| {
                PhhError::new(node.position, PhhErrorKind::BadAction { index, reason })
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let hand_fields = HandFields {
        variant,
        ante_trimming_status: fields.optional("ante_trimming_status", boolean)?,
        antes: amounts(fields.required("antes")?, "antes")?,
        blinds_or_straddles: fields.optional("blinds_or_straddles", amounts)?,
        bring_in: fields.optional("bring_in", amount)?,
        small_bet: fields.optional("small_bet", amount)?,
        big_bet: fields.optional("big_bet", amount)?,
        min_bet: fields.optional("min_bet", amount)?,
        starting_stacks,
        actions,
        finishing_stacks: fields.optional("finishing_stacks", amounts)?,
        winnings: fields.optional("winnings", amounts)?,
        seats: fields.optional("seats", |node, field| {
            array(node, field)?
                .iter()
                .map(|n| count(n, field))
                .collect()
        })?,
        seat_count: fields.optional("seat_count", count)?,
        table: fields.optional("table", label)?,
        hand: fields.optional("hand", label)?,
        players: fields.optional("players", |node, field| {
            array(node, field)?
                .iter()
                .map(|n| string(n, field))
                .collect()
        })?,
        posts: fields
            .get(POSTS_FIELD)
            .map(|node| posts_from_node(node, players))
            .transpose()?
            .unwrap_or_default(),
        other: table
            .entries
            .iter()
            .filter(|(key, _)| !TYPED_FIELDS.contains(&key.as_str()))
            .map(|(key, node)| (key.clone(), node.to_value()))
            .collect(),
    };
    HandHistory::new(hand_fields).map_err(|kind| {
        // Point at the field the problem concerns where we can.
        let position = match &kind {
            PhhErrorKind::WrongLength { field, .. } => fields.position_of(field),
            PhhErrorKind::BadPlayerCount(_) => fields.position_of("starting_stacks"),
            PhhErrorKind::BadAction { .. } | PhhErrorKind::ArrayTooLong => actions_node.position,
            PhhErrorKind::BadPost { .. } => fields.position_of(POSTS_FIELD),
            _ => table.position,
        };
        PhhError::new(position, kind)
    })
}

struct Fields<'a> {
    table: &'a TableNode,
}

impl<'a> Fields<'a> {
    fn get(&self, key: &str) -> Option<&'a Node> {
        self.table
            .entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, node)| node)
    }

    fn required(&self, key: &'static str) -> Result<&'a Node, PhhError> {
        self.get(key)
            .ok_or_else(|| PhhError::new(self.table.position, PhhErrorKind::MissingField(key)))
    }

    fn optional<T>(
        &self,
        key: &'static str,
        convert: impl Fn(&Node, &'static str) -> Result<T, PhhError>,
    ) -> Result<Option<T>, PhhError> {
        self.get(key).map(|node| convert(node, key)).transpose()
    }

    fn position_of(&self, key: &str) -> Position {
        self.get(key)
            .map_or(self.table.position, |node| node.position)
    }
}

fn wrong_type(node: &Node, field: &'static str, expected: &'static str) -> PhhError {
    PhhError::new(node.position, PhhErrorKind::WrongType { field, expected })
}

fn string(node: &Node, field: &'static str) -> Result<String, PhhError> {
    match &node.kind {
        NodeKind::Scalar(Value::String(text)) => Ok(text.clone()),
        _ => Err(wrong_type(node, field, "a string")),
    }
}

fn boolean(node: &Node, field: &'static str) -> Result<bool, PhhError> {
    match &node.kind {
        NodeKind::Scalar(Value::Boolean(b)) => Ok(*b),
        _ => Err(wrong_type(node, field, "a boolean")),
    }
}

fn array<'a>(node: &'a Node, field: &'static str) -> Result<&'a [Node], PhhError> {
    match &node.kind {
        NodeKind::Array(items) => Ok(items),
        _ => Err(wrong_type(node, field, "an array")),
    }
}

fn count(node: &Node, field: &'static str) -> Result<u32, PhhError> {
    let expected = "an integer from 0 to 4294967295";
    match &node.kind {
        NodeKind::Scalar(Value::Integer(n)) => {
            u32::try_from(*n).map_err(|_| wrong_type(node, field, expected))
        }
        _ => Err(wrong_type(node, field, expected)),
    }
}

fn label(node: &Node, field: &'static str) -> Result<Label, PhhError> {
    match &node.kind {
        NodeKind::Scalar(Value::Integer(n)) => Ok(Label::Number(*n)),
        NodeKind::Scalar(Value::String(text)) => Ok(Label::Text(text.clone())),
        _ => Err(wrong_type(node, field, "an integer or a string")),
    }
}

fn amount(node: &Node, field: &'static str) -> Result<Amount, PhhError> {
    let bad = || PhhError::new(node.position, PhhErrorKind::BadAmount { field });
    match &node.kind {
        NodeKind::Scalar(Value::Integer(n)) => u64::try_from(*n)
            .map(Amount::from_integer)
            .map_err(|_| bad()),
        NodeKind::Scalar(Value::Float(text)) => text.parse().map_err(|_| bad()),
        _ => Err(wrong_type(node, field, "a number")),
    }
}

fn amounts(node: &Node, field: &'static str) -> Result<Vec<Amount>, PhhError> {
    array(node, field)?
        .iter()
        .map(|n| amount(n, field))
        .collect()
}

fn starting_stack(node: &Node) -> Result<StartingStack, PhhError> {
    match &node.kind {
        NodeKind::Scalar(Value::Float(text)) if text == "inf" || text == "+inf" => {
            Ok(StartingStack::Unknown)
        }
        _ => amount(node, "starting_stacks").map(StartingStack::Chips),
    }
}
