#!/usr/bin/env python3
"""Tests for tools/tap-backends.py on hand-written Go schema literals in the
two styles Terraform's backends use.

Run with either of:
  python3 tools/test_tap_backends.py
  python3 -m pytest tools/test_tap_backends.py
"""

import importlib.util
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("tap_backends", os.path.join(HERE, "tap-backends.py"))
tap_backends = importlib.util.module_from_spec(_spec)
sys.dont_write_bytecode = True
_spec.loader.exec_module(tap_backends)

# The plain style (gcs, remote, cloud, ...): attributes and nested blocks.
PLAIN = '''
func (b *Remote) ConfigSchema() *configschema.Block {
	return &configschema.Block{
		Attributes: map[string]*configschema.Attribute{
			"organization": {
				Type:        cty.String,
				Required:    true,
				Description: "an organization, {with braces}, in a description",
			},
			"retries": {
				Type:     cty.Number,
				Optional: true,
			},
			"delegates": {
				Type:       cty.List(cty.String),
				Optional:   true,
				Deprecated: true,
			},
		},
		BlockTypes: map[string]*configschema.NestedBlock{
			"workspaces": {
				Block: configschema.Block{
					Attributes: map[string]*configschema.Attribute{
						"tags": {Type: cty.DynamicPseudoType, Optional: true},
					},
				},
				Nesting: configschema.NestingSingle,
			},
		},
	}
}
'''

# The s3 style: wrapped attributes with validators, and a nested object
# declared as a package variable.
WRAPPED = '''
func (b *Backend) ConfigSchema() *configschema.Block {
	return &configschema.Block{
		Attributes: map[string]*configschema.Attribute{
			"bucket": {
				Type:     cty.String,
				Required: true,
			},
			"assume_role": assumeRoleSchema.SchemaAttribute(),
		},
	}
}

var assumeRoleSchema = singleNestedAttribute{
	Attributes: map[string]schemaAttribute{
		"role_arn": stringAttribute{
			configschema.Attribute{
				Type:     cty.String,
				Required: true,
			},
			validateString{
				Validators: []stringValidator{validateStringNotEmpty},
			},
		},
		"tags": mapAttribute{
			configschema.Attribute{
				Type:     cty.Map(cty.String),
				Optional: true,
			},
			validateMap{},
		},
	},
}
'''


class SchemaTest(unittest.TestCase):
    def test_plain_attributes_and_nested_blocks(self):
        block = tap_backends.schema(PLAIN, "func (b *Remote) ConfigSchema()")
        self.assertEqual(
            block,
            {
                "attributes": {
                    "organization": {"type": "string", "required": True},
                    "retries": {"type": "number", "optional": True},
                    "delegates": {"type": ["list", "string"], "optional": True, "deprecated": True},
                },
                "block_types": {
                    "workspaces": {"block": {"attributes": {"tags": {"type": "dynamic", "optional": True}}}, "nesting_mode": "single"},
                },
            },
        )

    def test_wrapped_attributes_and_nested_objects(self):
        block = tap_backends.schema(WRAPPED, "func (b *Backend) ConfigSchema()")
        self.assertEqual(block["attributes"]["bucket"], {"type": "string", "required": True})
        self.assertEqual(
            block["attributes"]["assume_role"],
            {
                "nested_type": {
                    "attributes": {"role_arn": {"type": "string", "required": True}, "tags": {"type": ["map", "string"], "optional": True}},
                    "nesting_mode": "single",
                },
                "optional": True,
            },
        )
        self.assertNotIn("block_types", block)

    def test_an_unknown_type_is_an_error_not_a_guess(self):
        with self.assertRaises(KeyError):
            tap_backends.cty(["cty.Whatever"])


if __name__ == "__main__":
    unittest.main()
