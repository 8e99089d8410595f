//! Terraform's built-in functions: each one's name, how many arguments it
//! takes, and the Terraform version that introduced it, so that a
//! misspelled `tf::cidrsubnett(...)` or a `tf::cidrsubnet(prefix, 8)` with
//! an argument missing is a compile error instead of a failed plan.
//!
//! Layer: schema (data, and the check of one call against it).
//!
//! Origin: the function reference of the Terraform language documentation
//! (developer.hashicorp.com/terraform/language/functions), Terraform 1.x,
//! read down to the signatures. A function that came before 1.0 is listed
//! with `1.0`, the oldest version tap writes in `required_version`.
//! `type` (console only) and provider-defined functions are not here.

use super::suggest::suggest;

/// One built-in function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Function {
    /// Its name: `cidrsubnet`.
    pub name: &'static str,
    /// The fewest arguments it takes.
    pub min_args: usize,
    /// The most it takes; `None` for a variadic one (`concat`, `merge`).
    pub max_args: Option<usize>,
    /// The Terraform version that introduced it: `"1.5"` for `strcontains`.
    pub since: &'static str,
}

const fn f(name: &'static str, min_args: usize, max_args: Option<usize>, since: &'static str) -> Function {
    Function { name, min_args, max_args, since }
}

const fn exactly(name: &'static str, n: usize) -> Function {
    f(name, n, Some(n), "1.0")
}

const fn at_least(name: &'static str, n: usize) -> Function {
    f(name, n, None, "1.0")
}

/// Every built-in function of Terraform 1.x, sorted by name.
pub const FUNCTIONS: &[Function] = &[
    exactly("abs", 1),
    exactly("abspath", 1),
    exactly("alltrue", 1),
    exactly("anytrue", 1),
    exactly("base64decode", 1),
    exactly("base64encode", 1),
    exactly("base64gzip", 1),
    exactly("base64sha256", 1),
    exactly("base64sha512", 1),
    exactly("basename", 1),
    f("bcrypt", 1, Some(2), "1.0"),
    exactly("can", 1),
    exactly("ceil", 1),
    exactly("chomp", 1),
    exactly("chunklist", 2),
    exactly("cidrhost", 2),
    exactly("cidrnetmask", 1),
    exactly("cidrsubnet", 3),
    at_least("cidrsubnets", 1),
    at_least("coalesce", 1),
    at_least("coalescelist", 1),
    exactly("compact", 1),
    at_least("concat", 0),
    exactly("contains", 2),
    exactly("csvdecode", 1),
    exactly("dirname", 1),
    exactly("distinct", 1),
    exactly("element", 2),
    f("endswith", 2, Some(2), "1.3"),
    f("ephemeralasnull", 1, Some(1), "1.10"),
    exactly("file", 1),
    exactly("filebase64", 1),
    exactly("filebase64sha256", 1),
    exactly("filebase64sha512", 1),
    exactly("fileexists", 1),
    exactly("filemd5", 1),
    exactly("fileset", 2),
    exactly("filesha1", 1),
    exactly("filesha256", 1),
    exactly("filesha512", 1),
    exactly("flatten", 1),
    exactly("floor", 1),
    at_least("format", 1),
    exactly("formatdate", 2),
    at_least("formatlist", 1),
    exactly("indent", 2),
    exactly("index", 2),
    f("issensitive", 1, Some(1), "1.8"),
    at_least("join", 2),
    exactly("jsondecode", 1),
    exactly("jsonencode", 1),
    exactly("keys", 1),
    exactly("length", 1),
    exactly("log", 2),
    f("lookup", 2, Some(3), "1.0"),
    exactly("lower", 1),
    exactly("matchkeys", 3),
    at_least("max", 1),
    exactly("md5", 1),
    at_least("merge", 0),
    at_least("min", 1),
    exactly("nonsensitive", 1),
    exactly("one", 1),
    exactly("parseint", 2),
    exactly("pathexpand", 1),
    f("plantimestamp", 0, Some(0), "1.5"),
    exactly("pow", 2),
    f("range", 1, Some(3), "1.0"),
    exactly("regex", 2),
    exactly("regexall", 2),
    exactly("replace", 3),
    exactly("reverse", 1),
    exactly("rsadecrypt", 2),
    exactly("sensitive", 1),
    at_least("setintersection", 1),
    at_least("setproduct", 0),
    exactly("setsubtract", 2),
    at_least("setunion", 1),
    exactly("sha1", 1),
    exactly("sha256", 1),
    exactly("sha512", 1),
    exactly("signum", 1),
    exactly("slice", 3),
    exactly("sort", 1),
    exactly("split", 2),
    f("startswith", 2, Some(2), "1.3"),
    f("strcontains", 2, Some(2), "1.5"),
    exactly("strrev", 1),
    exactly("substr", 3),
    exactly("sum", 1),
    exactly("templatefile", 2),
    f("templatestring", 2, Some(2), "1.9"),
    exactly("textdecodebase64", 2),
    exactly("textencodebase64", 2),
    exactly("timeadd", 2),
    f("timecmp", 2, Some(2), "1.3"),
    exactly("timestamp", 0),
    exactly("title", 1),
    exactly("tobool", 1),
    exactly("tolist", 1),
    exactly("tomap", 1),
    exactly("tonumber", 1),
    exactly("toset", 1),
    exactly("tostring", 1),
    exactly("transpose", 1),
    exactly("trim", 2),
    exactly("trimprefix", 2),
    exactly("trimspace", 1),
    exactly("trimsuffix", 2),
    at_least("try", 1),
    exactly("upper", 1),
    exactly("urlencode", 1),
    exactly("uuid", 0),
    exactly("uuidv5", 2),
    exactly("values", 1),
    exactly("yamldecode", 1),
    exactly("yamlencode", 1),
    exactly("zipmap", 2),
];

/// The built-in function of that name.
pub fn function(name: &str) -> Option<&'static Function> {
    FUNCTIONS.binary_search_by(|f| f.name.cmp(name)).ok().map(|i| &FUNCTIONS[i])
}

/// What is wrong with a call, for a message naming the function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallProblem {
    /// No built-in function has this name; the closest one, if any is close.
    Unknown {
        /// The name as written.
        name: String,
        /// The function it most resembles.
        suggestion: Option<&'static str>,
    },
    /// The function takes another number of arguments.
    Arity {
        /// The function.
        function: &'static Function,
        /// How many the call passes.
        found: usize,
    },
}

impl CallProblem {
    /// The first line of the message.
    pub fn message(&self) -> String {
        match self {
            CallProblem::Unknown { name, .. } => format!("`{name}` is not a Terraform function"),
            CallProblem::Arity { function, found } => {
                format!("`{}` takes {}, and this call passes {found}", function.name, describe_arity(function))
            }
        }
    }

    /// What to do about it.
    pub fn help(&self) -> String {
        match self {
            CallProblem::Unknown { suggestion: Some(s), .. } => format!("did you mean `tf::{s}`?"),
            CallProblem::Unknown { suggestion: None, .. } => {
                "the built-in functions of Terraform 1.x are listed at developer.hashicorp.com/terraform/language/functions".to_owned()
            }
            CallProblem::Arity { function, .. } => {
                format!("see developer.hashicorp.com/terraform/language/functions/{}", function.name)
            }
        }
    }
}

fn describe_arity(f: &Function) -> String {
    let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
    match f.max_args {
        Some(max) if max == f.min_args => format!("{max} {}", plural(max)),
        Some(max) => format!("{} to {max} arguments", f.min_args),
        None => format!("at least {} {}", f.min_args, plural(f.min_args)),
    }
}

/// Checks a call of `name` with `args` arguments against the table.
pub fn check_call(name: &str, args: usize) -> Result<&'static Function, CallProblem> {
    let Some(function) = function(name) else {
        return Err(CallProblem::Unknown { name: name.to_owned(), suggestion: suggest(name, FUNCTIONS.iter().map(|f| f.name)) });
    };
    let fits = args >= function.min_args && function.max_args.is_none_or(|max| args <= max);
    if fits {
        Ok(function)
    } else {
        Err(CallProblem::Arity { function, found: args })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_has_no_duplicate() {
        assert!(FUNCTIONS.windows(2).all(|w| w[0].name < w[1].name), "FUNCTIONS must stay sorted by name for the binary search");
    }

    #[test]
    fn a_misspelled_function_gets_a_suggestion() {
        assert_eq!(check_call("cidrsubnett", 3), Err(CallProblem::Unknown { name: "cidrsubnett".into(), suggestion: Some("cidrsubnet") }));
        assert_eq!(check_call("cidrsubnett", 3).unwrap_err().help(), "did you mean `tf::cidrsubnet`?");
    }

    #[test]
    fn arity_counts_fixed_ranged_and_variadic_functions() {
        let missing = check_call("cidrsubnet", 2).unwrap_err();
        assert_eq!(missing.message(), "`cidrsubnet` takes 3 arguments, and this call passes 2");
        assert!(check_call("lookup", 2).is_ok() && check_call("lookup", 3).is_ok());
        assert_eq!(check_call("lookup", 4).unwrap_err().message(), "`lookup` takes 2 to 3 arguments, and this call passes 4");
        assert!(check_call("concat", 0).is_ok() && check_call("merge", 7).is_ok());
        assert_eq!(check_call("join", 1).unwrap_err().message(), "`join` takes at least 2 arguments, and this call passes 1");
        assert_eq!(check_call("timestamp", 1).unwrap_err().message(), "`timestamp` takes 0 arguments, and this call passes 1");
    }

    #[test]
    fn newer_functions_record_their_version() {
        assert_eq!(function("strcontains").map(|f| f.since), Some("1.5"));
        assert_eq!(function("templatestring").map(|f| f.since), Some("1.9"));
        assert_eq!(function("jsonencode").map(|f| f.since), Some("1.0"));
    }
}
