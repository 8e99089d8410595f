//! Terraform's functions: the built-in ones of Terraform 1.x in a table
//! (name, how many arguments, the kind each parameter takes, the version
//! that introduced it), and the provider-defined ones (Terraform 1.8) read
//! from a provider's schema. A misspelled `tf::cidrsubnett(...)`, a
//! `tf::cidrsubnet(prefix, 8)` with an argument missing, or a literal of a
//! kind Terraform cannot convert (`tf::cidrsubnet(prefix, "eight", 1)`) is a
//! compile error instead of a failed plan.
//!
//! Layer: schema (data, and the check of one call against it). It checks
//! only what a call shows: the name, the number of arguments, and the kind
//! of each argument written as a literal (string, number, bool, list, map).
//! References, calls and Rust expressions are known only when Terraform
//! runs, and pass. Terraform converts a number or bool to a string, a
//! numeric string to a number, and `"true"`/`"false"` to a bool, so those
//! literals pass too; nothing converts to a list or a map.
//!
//! Built-in origin: the signatures `terraform metadata functions -json`
//! prints (Terraform 1.11), checked against the function reference of the
//! Terraform language documentation
//! (developer.hashicorp.com/terraform/language/functions). A function that
//! came before 1.0 is listed with `1.0`, the oldest version tap writes in
//! `required_version`. Where Terraform declares a parameter `dynamic` but
//! rejects every literal of another kind (`keys` of a list, `merge` of a
//! list, `element` of a string), the table narrows it to the kind the
//! documentation gives. `type` (console only) is not here.
//!
//! Provider functions are written `tf::provider::aws::arn_parse(arn)` and
//! rendered `provider::aws::arn_parse(arn)`. Their signatures come from the
//! `functions` object of each provider in a `terraform providers schema
//! -json` document ([`parse_provider_functions`]); the embedded schemas have
//! none, so the functions of the embedded providers ship beside this file
//! in `provider_functions.json`, each provider with its origin
//! ([`shipped_provider_functions`]).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use super::suggest::suggest;
use super::CtyType;

/// The kind of value a parameter takes, as far as a literal can show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `string`: a string, number or bool literal (Terraform converts the
    /// last two).
    String,
    /// `number`: a number literal, or a string that reads as a number.
    Number,
    /// `bool`: a bool literal, or the string `"true"` or `"false"`.
    Bool,
    /// `list`, `set` or `tuple`: a list literal.
    List,
    /// `map` or `object`: a map literal.
    Map,
    /// `dynamic`: anything.
    Any,
}

impl Kind {
    /// The kind of a parameter of this cty type.
    pub fn of(ty: &CtyType) -> Kind {
        match ty {
            CtyType::String => Kind::String,
            CtyType::Number => Kind::Number,
            CtyType::Bool => Kind::Bool,
            CtyType::List(_) | CtyType::Set(_) | CtyType::Tuple(_) => Kind::List,
            CtyType::Map(_) | CtyType::Object(_) => Kind::Map,
            CtyType::Dynamic => Kind::Any,
        }
    }

    /// `a number`, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Kind::String => "a string",
            Kind::Number => "a number",
            Kind::Bool => "a bool",
            Kind::List => "a list",
            Kind::Map => "a map",
            Kind::Any => "any value",
        }
    }

    /// Does Terraform accept this literal here, converting it if it must?
    fn accepts(self, literal: &Literal) -> bool {
        match (self, literal) {
            (Kind::Any, _) => true,
            (Kind::String, Literal::Str(_) | Literal::Number | Literal::Bool) => true,
            (Kind::Number, Literal::Number) => true,
            // cty parses a number from a string as a decimal: `"8"`, `"-1.5"`, `"1e3"`.
            (Kind::Number, Literal::Str(s)) => s.trim().parse::<f64>().is_ok_and(f64::is_finite),
            (Kind::Bool, Literal::Bool) => true,
            (Kind::Bool, Literal::Str(s)) => s == "true" || s == "false",
            (Kind::List, Literal::List) | (Kind::Map, Literal::Map) => true,
            _ => false,
        }
    }
}

/// One parameter of a function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    /// Its name in the function's signature: `newbits`.
    pub name: Cow<'static, str>,
    /// What it takes.
    pub kind: Kind,
}

/// One function: built-in, or defined by a provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    /// Its name as Terraform writes a call: `cidrsubnet`, or
    /// `provider::aws::arn_parse` for a provider's.
    pub name: Cow<'static, str>,
    /// The fewest arguments it takes.
    pub min_args: usize,
    /// The most it takes; `None` for a variadic one (`concat`, `merge`).
    pub max_args: Option<usize>,
    /// The Terraform version that introduced it: `"1.5"` for
    /// `strcontains`; `"1.8"` for every provider function.
    pub since: &'static str,
    /// The positional parameters, in order.
    pub params: Cow<'static, [Param]>,
    /// The parameter every argument after them binds to, for a variadic
    /// function (`concat`'s `seqs`) or one with an optional last argument
    /// (`lookup`'s `default`).
    pub rest: Option<Param>,
}

impl Function {
    /// The parameter the argument at `index` (from 0) binds to.
    pub fn param(&self, index: usize) -> Option<&Param> {
        self.params.get(index).or(self.rest.as_ref())
    }

    /// Is this a provider-defined function?
    pub fn is_provider_function(&self) -> bool {
        self.name.starts_with("provider::")
    }
}

const fn p(name: &'static str, kind: Kind) -> Param {
    Param { name: Cow::Borrowed(name), kind }
}

// A macro, not a `const fn`: the parameter array must be a temporary the
// static's initializer extends, which a function argument is not.
macro_rules! f {
    ($name:literal, $since:literal, $min:literal, $max:expr, [$($param:expr),*], $rest:expr) => {
        Function { name: Cow::Borrowed($name), min_args: $min, max_args: $max, since: $since, params: Cow::Borrowed(&[$($param),*]), rest: $rest }
    };
}

use Kind::{Any as A, List as L, Map as M, Number as N, String as S};

/// Every built-in function of Terraform 1.x, sorted by name:
/// `f!(name, since, fewest arguments, most arguments, parameters, rest)`.
pub static FUNCTIONS: &[Function] = &[
    f!("abs", "1.0", 1, Some(1), [p("num", N)], None),
    f!("abspath", "1.0", 1, Some(1), [p("path", S)], None),
    f!("alltrue", "1.0", 1, Some(1), [p("list", L)], None),
    f!("anytrue", "1.0", 1, Some(1), [p("list", L)], None),
    f!("base64decode", "1.0", 1, Some(1), [p("str", S)], None),
    f!("base64encode", "1.0", 1, Some(1), [p("str", S)], None),
    f!("base64gzip", "1.0", 1, Some(1), [p("str", S)], None),
    f!("base64sha256", "1.0", 1, Some(1), [p("str", S)], None),
    f!("base64sha512", "1.0", 1, Some(1), [p("str", S)], None),
    f!("basename", "1.0", 1, Some(1), [p("path", S)], None),
    f!("bcrypt", "1.0", 1, Some(2), [p("str", S)], Some(p("cost", N))),
    f!("can", "1.0", 1, Some(1), [p("expression", A)], None),
    f!("ceil", "1.0", 1, Some(1), [p("num", N)], None),
    f!("chomp", "1.0", 1, Some(1), [p("str", S)], None),
    f!("chunklist", "1.0", 2, Some(2), [p("list", L), p("size", N)], None),
    f!("cidrhost", "1.0", 2, Some(2), [p("prefix", S), p("hostnum", N)], None),
    f!("cidrnetmask", "1.0", 1, Some(1), [p("prefix", S)], None),
    f!("cidrsubnet", "1.0", 3, Some(3), [p("prefix", S), p("newbits", N), p("netnum", N)], None),
    f!("cidrsubnets", "1.0", 1, None, [p("prefix", S)], Some(p("newbits", N))),
    f!("coalesce", "1.0", 1, None, [], Some(p("vals", A))),
    f!("coalescelist", "1.0", 1, None, [], Some(p("vals", L))),
    f!("compact", "1.0", 1, Some(1), [p("list", L)], None),
    f!("concat", "1.0", 0, None, [], Some(p("seqs", L))),
    f!("contains", "1.0", 2, Some(2), [p("list", L), p("value", A)], None),
    f!("csvdecode", "1.0", 1, Some(1), [p("str", S)], None),
    f!("dirname", "1.0", 1, Some(1), [p("path", S)], None),
    f!("distinct", "1.0", 1, Some(1), [p("list", L)], None),
    f!("element", "1.0", 2, Some(2), [p("list", L), p("index", N)], None),
    f!("endswith", "1.3", 2, Some(2), [p("str", S), p("suffix", S)], None),
    f!("ephemeralasnull", "1.10", 1, Some(1), [p("value", A)], None),
    f!("file", "1.0", 1, Some(1), [p("path", S)], None),
    f!("filebase64", "1.0", 1, Some(1), [p("path", S)], None),
    f!("filebase64sha256", "1.0", 1, Some(1), [p("path", S)], None),
    f!("filebase64sha512", "1.0", 1, Some(1), [p("path", S)], None),
    f!("fileexists", "1.0", 1, Some(1), [p("path", S)], None),
    f!("filemd5", "1.0", 1, Some(1), [p("path", S)], None),
    f!("fileset", "1.0", 2, Some(2), [p("path", S), p("pattern", S)], None),
    f!("filesha1", "1.0", 1, Some(1), [p("path", S)], None),
    f!("filesha256", "1.0", 1, Some(1), [p("path", S)], None),
    f!("filesha512", "1.0", 1, Some(1), [p("path", S)], None),
    f!("flatten", "1.0", 1, Some(1), [p("list", L)], None),
    f!("floor", "1.0", 1, Some(1), [p("num", N)], None),
    f!("format", "1.0", 1, None, [p("format", S)], Some(p("args", A))),
    f!("formatdate", "1.0", 2, Some(2), [p("format", S), p("time", S)], None),
    f!("formatlist", "1.0", 1, None, [p("format", S)], Some(p("args", A))),
    f!("indent", "1.0", 2, Some(2), [p("spaces", N), p("str", S)], None),
    f!("index", "1.0", 2, Some(2), [p("list", L), p("value", A)], None),
    f!("issensitive", "1.8", 1, Some(1), [p("value", A)], None),
    f!("join", "1.0", 2, None, [p("separator", S)], Some(p("lists", L))),
    f!("jsondecode", "1.0", 1, Some(1), [p("str", S)], None),
    f!("jsonencode", "1.0", 1, Some(1), [p("val", A)], None),
    f!("keys", "1.0", 1, Some(1), [p("inputMap", M)], None),
    f!("length", "1.0", 1, Some(1), [p("value", A)], None),
    f!("log", "1.0", 2, Some(2), [p("num", N), p("base", N)], None),
    f!("lookup", "1.0", 2, Some(3), [p("inputMap", M), p("key", S)], Some(p("default", A))),
    f!("lower", "1.0", 1, Some(1), [p("str", S)], None),
    f!("matchkeys", "1.0", 3, Some(3), [p("values", L), p("keys", L), p("searchset", L)], None),
    f!("max", "1.0", 1, None, [], Some(p("numbers", N))),
    f!("md5", "1.0", 1, Some(1), [p("str", S)], None),
    f!("merge", "1.0", 0, None, [], Some(p("maps", M))),
    f!("min", "1.0", 1, None, [], Some(p("numbers", N))),
    f!("nonsensitive", "1.0", 1, Some(1), [p("value", A)], None),
    f!("one", "1.0", 1, Some(1), [p("list", L)], None),
    f!("parseint", "1.0", 2, Some(2), [p("number", S), p("base", N)], None),
    f!("pathexpand", "1.0", 1, Some(1), [p("path", S)], None),
    f!("plantimestamp", "1.5", 0, Some(0), [], None),
    f!("pow", "1.0", 2, Some(2), [p("num", N), p("power", N)], None),
    f!("range", "1.0", 1, Some(3), [], Some(p("params", N))),
    f!("regex", "1.0", 2, Some(2), [p("pattern", S), p("string", S)], None),
    f!("regexall", "1.0", 2, Some(2), [p("pattern", S), p("string", S)], None),
    f!("replace", "1.0", 3, Some(3), [p("str", S), p("substr", S), p("replace", S)], None),
    f!("reverse", "1.0", 1, Some(1), [p("list", L)], None),
    f!("rsadecrypt", "1.0", 2, Some(2), [p("ciphertext", S), p("privatekey", S)], None),
    f!("sensitive", "1.0", 1, Some(1), [p("value", A)], None),
    f!("setintersection", "1.0", 1, None, [p("first_set", L)], Some(p("other_sets", L))),
    f!("setproduct", "1.0", 0, None, [], Some(p("sets", L))),
    f!("setsubtract", "1.0", 2, Some(2), [p("a", L), p("b", L)], None),
    f!("setunion", "1.0", 1, None, [p("first_set", L)], Some(p("other_sets", L))),
    f!("sha1", "1.0", 1, Some(1), [p("str", S)], None),
    f!("sha256", "1.0", 1, Some(1), [p("str", S)], None),
    f!("sha512", "1.0", 1, Some(1), [p("str", S)], None),
    f!("signum", "1.0", 1, Some(1), [p("num", N)], None),
    f!("slice", "1.0", 3, Some(3), [p("list", L), p("start_index", N), p("end_index", N)], None),
    f!("sort", "1.0", 1, Some(1), [p("list", L)], None),
    f!("split", "1.0", 2, Some(2), [p("separator", S), p("str", S)], None),
    f!("startswith", "1.3", 2, Some(2), [p("str", S), p("prefix", S)], None),
    f!("strcontains", "1.5", 2, Some(2), [p("str", S), p("substr", S)], None),
    f!("strrev", "1.0", 1, Some(1), [p("str", S)], None),
    f!("substr", "1.0", 3, Some(3), [p("str", S), p("offset", N), p("length", N)], None),
    f!("sum", "1.0", 1, Some(1), [p("list", L)], None),
    f!("templatefile", "1.0", 2, Some(2), [p("path", S), p("vars", M)], None),
    f!("templatestring", "1.9", 2, Some(2), [p("template", S), p("vars", A)], None),
    f!("textdecodebase64", "1.0", 2, Some(2), [p("source", S), p("encoding", S)], None),
    f!("textencodebase64", "1.0", 2, Some(2), [p("string", S), p("encoding", S)], None),
    f!("timeadd", "1.0", 2, Some(2), [p("timestamp", S), p("duration", S)], None),
    f!("timecmp", "1.3", 2, Some(2), [p("timestamp_a", S), p("timestamp_b", S)], None),
    f!("timestamp", "1.0", 0, Some(0), [], None),
    f!("title", "1.0", 1, Some(1), [p("str", S)], None),
    f!("tobool", "1.0", 1, Some(1), [p("v", A)], None),
    f!("tolist", "1.0", 1, Some(1), [p("v", A)], None),
    f!("tomap", "1.0", 1, Some(1), [p("v", A)], None),
    f!("tonumber", "1.0", 1, Some(1), [p("v", A)], None),
    f!("toset", "1.0", 1, Some(1), [p("v", A)], None),
    f!("tostring", "1.0", 1, Some(1), [p("v", A)], None),
    f!("transpose", "1.0", 1, Some(1), [p("values", M)], None),
    f!("trim", "1.0", 2, Some(2), [p("str", S), p("cutset", S)], None),
    f!("trimprefix", "1.0", 2, Some(2), [p("str", S), p("prefix", S)], None),
    f!("trimspace", "1.0", 1, Some(1), [p("str", S)], None),
    f!("trimsuffix", "1.0", 2, Some(2), [p("str", S), p("suffix", S)], None),
    f!("try", "1.0", 1, None, [], Some(p("expressions", A))),
    f!("upper", "1.0", 1, Some(1), [p("str", S)], None),
    f!("urlencode", "1.0", 1, Some(1), [p("str", S)], None),
    f!("uuid", "1.0", 0, Some(0), [], None),
    f!("uuidv5", "1.0", 2, Some(2), [p("namespace", S), p("name", S)], None),
    f!("values", "1.0", 1, Some(1), [p("mapping", M)], None),
    f!("yamldecode", "1.0", 1, Some(1), [p("src", S)], None),
    f!("yamlencode", "1.0", 1, Some(1), [p("value", A)], None),
    f!("zipmap", "1.0", 2, Some(2), [p("keys", L), p("values", L)], None),
];

/// The built-in function of that name.
pub fn function(name: &str) -> Option<&'static Function> {
    FUNCTIONS.binary_search_by(|f| (*f.name).cmp(name)).ok().map(|i| &FUNCTIONS[i])
}

/// What a call shows of an argument written as a literal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Literal {
    /// `"eight"`.
    Str(String),
    /// `8`, `-1.5`.
    Number,
    /// `true`.
    Bool,
    /// `[...]`.
    List,
    /// `{ key: value }`.
    Map,
}

impl Literal {
    /// What the check sees of an argument: its kind when it is a literal,
    /// `None` for anything known only when Terraform runs.
    pub fn of(value: &crate::value::Value) -> Option<Literal> {
        use crate::value::Value;
        Some(match value {
            Value::Str(s) => Literal::Str(s.clone()),
            Value::Int(_) | Value::Float(_) => Literal::Number,
            Value::Bool(_) => Literal::Bool,
            Value::List(_) => Literal::List,
            Value::Map(_) => Literal::Map,
            _ => return None,
        })
    }

    fn describe(&self) -> &'static str {
        match self {
            Literal::Str(_) => "a string",
            Literal::Number => "a number",
            Literal::Bool => "a bool",
            Literal::List => "a list",
            Literal::Map => "a map",
        }
    }
}

/// What is wrong with a call, for a message naming the function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallProblem {
    /// No built-in function has this name; the closest one, if any is close.
    Unknown {
        /// The name as written: `cidrsubnett`.
        name: String,
        /// The function it most resembles.
        suggestion: Option<String>,
    },
    /// The provider has no function of this name.
    UnknownProviderFunction {
        /// The provider's local name: `aws`.
        provider: String,
        /// The function's name as written: `arn_parze`.
        function: String,
        /// The function it most resembles.
        suggestion: Option<String>,
        /// The functions it has, for the help when none is close.
        known: Vec<String>,
    },
    /// `tf::provider::NAME::...` names no provider tap has a schema for.
    UnknownProvider {
        /// The provider's local name as written.
        provider: String,
        /// The provider it most resembles.
        suggestion: Option<String>,
        /// The providers there are, for the help: `` `aws`, `random` ``.
        known: String,
    },
    /// The function takes another number of arguments.
    Arity {
        /// The function.
        function: Function,
        /// How many the call passes.
        found: usize,
    },
    /// A literal argument of a kind Terraform cannot convert to the parameter's.
    Argument {
        /// The function's name: `cidrsubnet`.
        function: String,
        /// The argument's position, from 1.
        position: usize,
        /// The parameter it binds to.
        param: Param,
        /// The literal as written.
        found: Literal,
    },
}

impl CallProblem {
    /// The first line of the message.
    pub fn message(&self) -> String {
        match self {
            CallProblem::UnknownProviderFunction { provider, function, .. } => format!("the `{provider}` provider has no function `{function}`"),
            CallProblem::Unknown { name, .. } => format!("`{name}` is not a Terraform function"),
            CallProblem::UnknownProvider { provider, .. } => format!("`{provider}` is not a provider tap has a schema for"),
            CallProblem::Arity { function, found } => {
                format!("`{}` takes {}, and this call passes {found}", function.name, describe_arity(function))
            }
            CallProblem::Argument { function, position, param, found } => {
                format!("`{function}`'s argument {position} (`{}`) is {}, found {}", param.name, param.kind.describe(), found.describe())
            }
        }
    }

    /// What to do about it.
    pub fn help(&self) -> String {
        match self {
            CallProblem::Unknown { suggestion: Some(s), .. } => format!("did you mean `tf::{s}`?"),
            CallProblem::UnknownProviderFunction { provider, suggestion: Some(s), .. } => format!("did you mean `tf::provider::{provider}::{s}`?"),
            CallProblem::UnknownProviderFunction { provider, known, .. } if known.is_empty() => format!("its schema lists no function of `{provider}`"),
            CallProblem::UnknownProviderFunction { provider, known, .. } => {
                let known: Vec<String> = known.iter().map(|f| format!("`{f}`")).collect();
                format!("the functions of `{provider}`: {}", known.join(", "))
            }
            CallProblem::Unknown { suggestion: None, .. } => {
                "the built-in functions of Terraform 1.x are listed at developer.hashicorp.com/terraform/language/functions".to_owned()
            }
            CallProblem::UnknownProvider { suggestion: Some(s), .. } => format!("did you mean `tf::provider::{s}::...`?"),
            CallProblem::UnknownProvider { suggestion: None, known, .. } => format!("the providers with a schema are {known}"),
            CallProblem::Arity { function, .. } if function.is_provider_function() => {
                let (provider, name) = split_provider_name(&function.name);
                format!("see the `{provider}` provider's documentation of `{name}`")
            }
            CallProblem::Arity { function, .. } => format!("see developer.hashicorp.com/terraform/language/functions/{}", function.name),
            CallProblem::Argument { param, .. } => match param.kind {
                Kind::Number => "Terraform converts a string to a number only when it reads as one, like `\"8\"`".to_owned(),
                Kind::Bool => "Terraform converts only the strings `\"true\"` and `\"false\"` to a bool".to_owned(),
                Kind::String => "a string, number or bool converts to a string; a list or a map does not".to_owned(),
                Kind::List => "write a list: `[a, b]`".to_owned(),
                Kind::Map => "write a map: `{ key: value }`".to_owned(),
                Kind::Any => "BUG: a parameter of any kind takes every literal".to_owned(),
            },
        }
    }
}

/// `provider::aws::arn_parse` -> (`aws`, `arn_parse`).
fn split_provider_name(name: &str) -> (&str, &str) {
    let rest = name.strip_prefix("provider::").unwrap_or(name);
    rest.split_once("::").unwrap_or(("", rest))
}

fn describe_arity(f: &Function) -> String {
    let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
    match f.max_args {
        Some(max) if max == f.min_args => format!("{max} {}", plural(max)),
        Some(max) => format!("{} to {max} arguments", f.min_args),
        None => format!("at least {} {}", f.min_args, plural(f.min_args)),
    }
}

/// Checks a call of the built-in `name` with these arguments (`None` for
/// one that is not a literal) against the table: its name, then its
/// number of arguments, then each literal's kind.
pub fn check_call(name: &str, args: &[Option<Literal>]) -> Result<&'static Function, Vec<CallProblem>> {
    let Some(function) = function(name) else {
        let suggestion = suggest(name, FUNCTIONS.iter().map(|f| &*f.name)).map(str::to_owned);
        return Err(vec![CallProblem::Unknown { name: name.to_owned(), suggestion }]);
    };
    check_arguments(function, args).map(|()| function)
}

/// Checks a call of a provider's function `name` against the `functions`
/// of that provider (keyed by the function's short name, `arn_parse`).
pub fn check_provider_call<'f>(provider: &str, functions: &'f BTreeMap<String, Function>, name: &str, args: &[Option<Literal>]) -> Result<&'f Function, Vec<CallProblem>> {
    let Some(function) = functions.get(name) else {
        let suggestion = suggest(name, functions.keys().map(String::as_str)).map(str::to_owned);
        let known = functions.keys().cloned().collect();
        return Err(vec![CallProblem::UnknownProviderFunction { provider: provider.to_owned(), function: name.to_owned(), suggestion, known }]);
    };
    check_arguments(function, args).map(|()| function)
}

/// The number of arguments, then the kind of each literal one.
fn check_arguments(function: &Function, args: &[Option<Literal>]) -> Result<(), Vec<CallProblem>> {
    let fits = args.len() >= function.min_args && function.max_args.is_none_or(|max| args.len() <= max);
    if !fits {
        return Err(vec![CallProblem::Arity { function: function.clone(), found: args.len() }]);
    }
    let problems: Vec<CallProblem> = args
        .iter()
        .enumerate()
        .filter_map(|(i, arg)| {
            let (literal, param) = (arg.as_ref()?, function.param(i)?);
            (!param.kind.accepts(literal)).then(|| CallProblem::Argument { function: function.name.to_string(), position: i + 1, param: param.clone(), found: literal.clone() })
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// One entry of a provider's `functions` in `terraform providers schema
/// -json` (Terraform's `jsonfunction.FunctionSignature`), read as far as
/// the check needs.
#[derive(Deserialize)]
struct SignatureJson {
    #[serde(default)]
    parameters: Vec<ParamJson>,
    #[serde(default)]
    variadic_parameter: Option<ParamJson>,
}

#[derive(Deserialize)]
struct ParamJson {
    #[serde(default)]
    name: String,
    #[serde(rename = "type")]
    ty: CtyType,
}

impl ParamJson {
    fn param(self, position: usize) -> Param {
        // The name is optional in the format; the position stands in for it.
        let name = if self.name.is_empty() { format!("#{position}") } else { self.name };
        Param { name: Cow::Owned(name), kind: Kind::of(&self.ty) }
    }
}

/// The functions of the provider `local_name`, from the value of its
/// `functions` key in a `terraform providers schema -json` document: `{
/// "arn_parse": { "parameters": [{ "name": "arn", "type": "string" }],
/// "return_type": ... } }`. Keyed by the short name (`arn_parse`); each
/// [`Function`] is named as Terraform calls it (`provider::aws::arn_parse`).
/// Errs naming the function and what is wrong with its entry.
pub fn parse_provider_functions(local_name: &str, functions: &serde_json::Value) -> Result<BTreeMap<String, Function>, String> {
    let serde_json::Value::Object(entries) = functions else {
        return Err(format!("`functions` of provider `{local_name}` is not an object of function signatures"));
    };
    let mut out = BTreeMap::new();
    for (name, entry) in entries {
        let signature = SignatureJson::deserialize(entry).map_err(|e| format!("function `{name}` of provider `{local_name}`: {e}"))?;
        let params: Vec<Param> = signature.parameters.into_iter().enumerate().map(|(i, p)| p.param(i + 1)).collect();
        let rest = signature.variadic_parameter.map(|p| p.param(params.len() + 1));
        let function = Function {
            name: Cow::Owned(format!("provider::{local_name}::{name}")),
            min_args: params.len(),
            max_args: if rest.is_some() { None } else { Some(params.len()) },
            since: "1.8",
            params: Cow::Owned(params),
            rest,
        };
        out.insert(name.clone(), function);
    }
    Ok(out)
}

/// The functions of the embedded providers, whose schema documents have
/// no `functions` key: `provider_functions.json`, written from each
/// provider's source at the version of its embedded schema.
const SHIPPED: &str = include_str!("provider_functions.json");

/// One provider in `provider_functions.json`.
#[derive(Deserialize)]
struct ShippedProvider {
    functions: serde_json::Value,
}

static SHIPPED_PROVIDERS: LazyLock<BTreeMap<String, BTreeMap<String, Function>>> = LazyLock::new(|| {
    #[derive(Deserialize)]
    struct Shipped {
        providers: BTreeMap<String, ShippedProvider>,
    }
    let shipped: Shipped = serde_json::from_str(SHIPPED).unwrap_or_else(|e| panic!("BUG: provider_functions.json: {e}"));
    shipped
        .providers
        .into_iter()
        .map(|(name, p)| {
            let functions = parse_provider_functions(&name, &p.functions).unwrap_or_else(|e| panic!("BUG: provider_functions.json: {e}"));
            (name, functions)
        })
        .collect()
});

/// The functions of an embedded provider (`aws`, `time`, ...), by short
/// name; `None` for a provider tap does not ship.
pub fn shipped_provider_functions(local_name: &str) -> Option<&'static BTreeMap<String, Function>> {
    SHIPPED_PROVIDERS.get(local_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arity(name: &str, n: usize) -> Result<&'static Function, Vec<CallProblem>> {
        check_call(name, &vec![None; n])
    }

    fn one(problems: Vec<CallProblem>) -> CallProblem {
        assert_eq!(problems.len(), 1, "{problems:?}");
        problems.into_iter().next().unwrap()
    }

    #[test]
    fn the_table_is_sorted_and_has_no_duplicate() {
        assert!(FUNCTIONS.windows(2).all(|w| w[0].name < w[1].name), "FUNCTIONS must stay sorted by name for the binary search");
    }

    #[test]
    fn every_parameter_fits_the_arity() {
        for f in FUNCTIONS {
            // Every argument a call may pass has a parameter, and the
            // fixed parameters are all required.
            assert!(f.params.len() <= f.min_args || f.name == "lookup" || f.name == "bcrypt", "{}", f.name);
            assert!(f.rest.is_some() || f.max_args == Some(f.params.len()), "{} has arguments without a parameter", f.name);
            assert!(f.params.iter().chain(&f.rest).all(|p| !p.name.is_empty()), "{}", f.name);
        }
        assert_eq!(FUNCTIONS.len(), 118);
    }

    #[test]
    fn a_misspelled_function_gets_a_suggestion() {
        let problem = one(arity("cidrsubnett", 3).unwrap_err());
        assert_eq!(problem, CallProblem::Unknown { name: "cidrsubnett".into(), suggestion: Some("cidrsubnet".into()) });
        assert_eq!(problem.help(), "did you mean `tf::cidrsubnet`?");
    }

    #[test]
    fn arity_counts_fixed_ranged_and_variadic_functions() {
        let missing = one(arity("cidrsubnet", 2).unwrap_err());
        assert_eq!(missing.message(), "`cidrsubnet` takes 3 arguments, and this call passes 2");
        assert!(arity("lookup", 2).is_ok() && arity("lookup", 3).is_ok());
        assert_eq!(one(arity("lookup", 4).unwrap_err()).message(), "`lookup` takes 2 to 3 arguments, and this call passes 4");
        assert!(arity("concat", 0).is_ok() && arity("merge", 7).is_ok());
        assert_eq!(one(arity("join", 1).unwrap_err()).message(), "`join` takes at least 2 arguments, and this call passes 1");
        assert_eq!(one(arity("timestamp", 1).unwrap_err()).message(), "`timestamp` takes 0 arguments, and this call passes 1");
    }

    #[test]
    fn newer_functions_record_their_version() {
        assert_eq!(function("strcontains").map(|f| f.since), Some("1.5"));
        assert_eq!(function("templatestring").map(|f| f.since), Some("1.9"));
        assert_eq!(function("jsonencode").map(|f| f.since), Some("1.0"));
    }

    #[test]
    fn a_literal_of_the_wrong_kind_names_the_parameter() {
        let args = [None, Some(Literal::Str("eight".into())), Some(Literal::Number)];
        let problem = one(check_call("cidrsubnet", &args).unwrap_err());
        assert_eq!(problem.message(), "`cidrsubnet`'s argument 2 (`newbits`) is a number, found a string");
        assert!(problem.help().contains("`\"8\"`"), "{}", problem.help());
        // Every wrong literal is reported, not only the first.
        let args = [Some(Literal::List), Some(Literal::Bool), Some(Literal::Map)];
        let problems = check_call("cidrsubnet", &args).unwrap_err();
        assert_eq!(problems.iter().map(CallProblem::message).collect::<Vec<_>>(), [
            "`cidrsubnet`'s argument 1 (`prefix`) is a string, found a list",
            "`cidrsubnet`'s argument 2 (`newbits`) is a number, found a bool",
            "`cidrsubnet`'s argument 3 (`netnum`) is a number, found a map",
        ]);
    }

    #[test]
    fn literals_terraform_converts_pass() {
        let numeric = [Some(Literal::Number), Some(Literal::Str("8".into())), Some(Literal::Str("-1.5e1".into()))];
        assert!(check_call("cidrsubnet", &numeric).is_ok(), "a number and numeric strings become a string and numbers");
        assert!(check_call("upper", &[Some(Literal::Bool)]).is_ok(), "a bool becomes a string");
        assert!(check_call("tobool", &[Some(Literal::Number)]).is_ok(), "`tobool` takes any value");
        assert!(check_call("alltrue", &[Some(Literal::List)]).is_ok());
        assert!(one(check_call("alltrue", &[Some(Literal::Str("true".into()))]).unwrap_err()).message().contains("is a list, found a string"));
        assert!(check_call("parseint", &[Some(Literal::Str("ff".into())), Some(Literal::Number)]).is_ok());
        assert!(check_call("cidrsubnet", &[None, Some(Literal::Str("NaN".into())), None]).is_err(), "cty reads no NaN");
    }

    #[test]
    fn a_bool_parameter_takes_only_true_and_false_strings() {
        assert!(Kind::Bool.accepts(&Literal::Str("true".into())) && Kind::Bool.accepts(&Literal::Str("false".into())));
        assert!(!Kind::Bool.accepts(&Literal::Str("yes".into())) && !Kind::Bool.accepts(&Literal::Number));
    }

    #[test]
    fn the_variadic_tail_has_its_kind() {
        let args = [Some(Literal::Str("10.0.0.0/8".into())), Some(Literal::Number), Some(Literal::Str("four".into()))];
        assert_eq!(one(check_call("cidrsubnets", &args).unwrap_err()).message(), "`cidrsubnets`'s argument 3 (`newbits`) is a number, found a string");
        assert_eq!(one(check_call("merge", &[Some(Literal::Map), Some(Literal::List)]).unwrap_err()).message(), "`merge`'s argument 2 (`maps`) is a map, found a list");
        // `lookup`'s optional third argument is its `default`, of any kind.
        assert!(check_call("lookup", &[Some(Literal::Map), Some(Literal::Str("k".into())), Some(Literal::List)]).is_ok());
    }

    #[test]
    fn a_provider_schemas_functions_are_read_from_its_format() {
        let json = serde_json::json!({
            "arn_parse": { "parameters": [{ "name": "arn", "type": "string" }], "return_type": ["object", { "region": "string" }] },
            "join_all": { "parameters": [{ "type": "bool" }], "variadic_parameter": { "name": "parts", "type": ["list", "string"] }, "return_type": "string" }
        });
        let functions = parse_provider_functions("acme", &json).unwrap();
        let parse = &functions["arn_parse"];
        assert_eq!((&*parse.name, parse.min_args, parse.max_args, parse.since), ("provider::acme::arn_parse", 1, Some(1), "1.8"));
        let join = &functions["join_all"];
        assert_eq!((join.min_args, join.max_args), (1, None));
        assert_eq!(join.params[0], Param { name: "#1".into(), kind: Kind::Bool });
        assert_eq!(join.rest, Some(Param { name: "parts".into(), kind: Kind::List }));
        let bad = serde_json::json!({ "arn_parse": { "parameters": [{ "name": "arn", "type": "strin" }] } });
        let error = parse_provider_functions("acme", &bad).unwrap_err();
        assert!(error.starts_with("function `arn_parse` of provider `acme`: unknown primitive type `strin`"), "{error}");
        assert!(parse_provider_functions("acme", &serde_json::json!([])).unwrap_err().contains("`functions` of provider `acme`"));
    }

    #[test]
    fn provider_calls_are_checked_like_built_in_ones() {
        let aws = shipped_provider_functions("aws").unwrap();
        assert!(check_provider_call("aws", aws, "arn_parse", &[None]).is_ok());
        let typo = one(check_provider_call("aws", aws, "arn_parze", &[None]).unwrap_err());
        assert_eq!(typo.message(), "the `aws` provider has no function `arn_parze`");
        assert_eq!(typo.help(), "did you mean `tf::provider::aws::arn_parse`?");
        let far = one(check_provider_call("aws", aws, "region_of", &[None]).unwrap_err());
        assert_eq!(far.help(), "the functions of `aws`: `arn_build`, `arn_parse`, `trim_iam_role_path`");
        let none = one(check_provider_call("random", shipped_provider_functions("random").unwrap(), "uuid", &[]).unwrap_err());
        assert_eq!((none.message(), none.help()), ("the `random` provider has no function `uuid`".to_owned(), "its schema lists no function of `random`".to_owned()));
        let short = one(check_provider_call("aws", aws, "arn_build", &[None, None]).unwrap_err());
        assert_eq!(short.message(), "`provider::aws::arn_build` takes 5 arguments, and this call passes 2");
        assert_eq!(short.help(), "see the `aws` provider's documentation of `arn_build`");
        let time = shipped_provider_functions("time").unwrap();
        let kind = one(check_provider_call("time", time, "unix_timestamp_parse", &[Some(Literal::Str("soon".into()))]).unwrap_err());
        assert_eq!(kind.message(), "`provider::time::unix_timestamp_parse`'s argument 1 (`unix_timestamp`) is a number, found a string");
    }

    #[test]
    fn every_embedded_provider_ships_its_functions() {
        let names = |p: &str| shipped_provider_functions(p).unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(names("aws"), ["arn_build", "arn_parse", "trim_iam_role_path"]);
        assert_eq!(names("time"), ["duration_parse", "rfc3339_parse", "unix_timestamp_parse"]);
        for none in ["archive", "null", "random", "tls"] {
            assert!(names(none).is_empty(), "{none}");
        }
        assert!(shipped_provider_functions("kubernetes").is_none());
    }
}
