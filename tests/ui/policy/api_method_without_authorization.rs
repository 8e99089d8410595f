//! TAP-APG-003: a REST API method anyone can call (`authorization: "NONE"`);
//! the CORS preflight beside it may stay open.
use tap::prelude::*;

struct S;

#[stack]
impl S {
    fn define(&self, stack: &mut Stack) {
        let api = resource!(aws_api_gateway_rest_api.api { name: "api" });
        let items = resource!(aws_api_gateway_resource.items { rest_api_id: api.id, parent_id: api.root_resource_id, path_part: "items" });
        let _preflight = resource!(aws_api_gateway_method.items_options {
            rest_api_id: api.id,
            resource_id: items.id,
            http_method: "OPTIONS",
            authorization: "NONE",
        });
        let _list = resource!(aws_api_gateway_method.items_get {
            rest_api_id: api.id,
            resource_id: items.id,
            http_method: "GET",
            authorization: "NONE",
        });
    }
}

fn main() {}
