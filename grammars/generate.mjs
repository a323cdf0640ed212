#!/usr/bin/env node
// Generates aws-credentials.tmLanguage.json and aws-config.tmLanguage.json from one
// description, so the two grammars cannot drift apart.
//
//   node grammars/generate.mjs          write both grammars
//   node grammars/generate.mjs --check  exit 1 if a committed grammar is out of date
//
// Line classification follows file-format.md §2 (the cross-SDK parser, R/J): comments only
// at column 0, headers start with `[`, indented lines continue the previous property (§6),
// everything else must be `key = value`. Where consumers disagree (§3, D1/D4) the text is
// scoped as an "ambiguous" comment so a theme can single it out.

import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

// file-format.md §10 "Known keys": the server's table (credls/ini/keys.py, CRED109);
// tests/editors/test_grammars.py fails when the two differ.
export const KNOWN_KEYS = [
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_session_token',
  'aws_security_token',
  'aws_account_id',
  'region',
  'output',
  'role_arn',
  'source_profile',
  'credential_source',
  'external_id',
  'mfa_serial',
  'role_session_name',
  'duration_seconds',
  'web_identity_token_file',
  'credential_process',
  'sso_session',
  'sso_start_url',
  'sso_region',
  'sso_account_id',
  'sso_role_name',
  'sso_registration_scopes',
  'ca_bundle',
  'endpoint_url',
  'ignore_configured_endpoint_urls',
  'services',
  'max_attempts',
  'retry_mode',
  'defaults_mode',
  'sts_regional_endpoints',
  'use_fips_endpoint',
  'use_dualstack_endpoint',
  'ec2_metadata_service_endpoint',
  'ec2_metadata_service_endpoint_mode',
  'ec2_metadata_v1_disabled',
  'metadata_service_timeout',
  'metadata_service_num_attempts',
  'endpoint_discovery_enabled',
  's3',
  's3_use_arn_region',
  's3_us_east_1_regional_endpoint',
  's3_disable_multiregion_access_points',
  's3_disable_express_session_auth',
  'api_versions',
  'sdk_ua_app_id',
  'account_id_endpoint_mode',
  'request_checksum_calculation',
  'response_checksum_validation',
  'disable_request_compression',
  'request_min_compression_size_bytes',
  'auth_scheme_preference',
  'sigv4a_signing_region_set',
  'toolkit_artifact_guid',
  'cli_pager',
  'cli_timestamp_format',
  'cli_follow_urlparam',
  'parameter_validation',
  'tcp_keepalive',
  'cli_auto_prompt',
  'cli_binary_format',
  'cli_history',
];

// §10 `s3` sub-block and the AWS CLI's s3 transfer settings (as the server's table), plus
// `endpoint_url`, the usual key inside a `[services]` block.
export const KNOWN_SUB_KEYS = [
  'addressing_style',
  'use_accelerate_endpoint',
  'use_dualstack_endpoint',
  'payload_signing_enabled',
  'use_arn_region',
  'us_east_1_regional_endpoint',
  's3_disable_multiregion_access_points',
  'max_concurrent_requests',
  'max_queue_size',
  'multipart_threshold',
  'multipart_chunksize',
  'max_bandwidth',
  'preferred_transfer_client',
  'target_bandwidth',
  'io_chunksize',
  'endpoint_url',
];

const alternation = (words) =>
  [...words]
    // Longest first, so `s3_use_arn_region` is not cut short by `s3`.
    .sort((a, b) => b.length - a.length || a.localeCompare(b))
    .map((w) => w.replace(/[-\\^$.*+?()[\]{}|]/g, '\\$&'))
    .join('|');

const SECTION_PREFIXES = ['profile', 'sso-session', 'services'];

// A key: first character not blank, `[`, `#`, `;` or `=` (those start other line kinds).
const KEY = '[^\\s=\\[#;][^=]*?';

function buildGrammar(lang, displayName, { servicesSection }) {
  const s = (name) => `${name}.${lang}`;

  // The value after `=`, then an optional comment that R/J/G strip but botocore and .NET keep
  // (file-format.md §3, D1). A `#`/`;` is a comment only after a blank, so `v#c` is a value.
  const value = {
    source:
      '(?:((?i:true|false))|(-?[0-9]+(?:\\.[0-9]+)?)|("[^"]*")|(\'[^\']*\')' +
      '|(arn:\\S+)|((?:https?|file)://\\S+)|(.*?))' +
      '(?:(?:[ \\t]+|(?<=[ \\t]))(?:((#).*?)|((;).*?)))?[ \\t]*$',
    captures: (first) => ({
      [first]: { name: s('constant.language.boolean') },
      [first + 1]: { name: s('constant.numeric') },
      // Quotes are literal except in Go, which strips one pair (file-format.md §5, D18).
      [first + 2]: { name: s('string.quoted.double') },
      [first + 3]: { name: s('string.quoted.single') },
      [first + 4]: { name: s('constant.other.arn') },
      [first + 5]: { name: s('markup.underline.link') },
      [first + 6]: { name: s('string.unquoted.value') },
      [first + 7]: { name: s('comment.line.inline.number-sign') },
      [first + 8]: { name: s('punctuation.definition.comment') },
      [first + 9]: { name: s('comment.line.inline.semicolon') },
      [first + 10]: { name: s('punctuation.definition.comment') },
    }),
  };

  const keyCaptures = {
    1: { name: s('keyword.other.definition') },
    2: { name: s('variable.other.property.unknown') },
    3: { name: s('punctuation.separator.key-value') },
  };
  const keyPart = `^(?:(${alternation(KNOWN_KEYS)})|(${KEY}))[ \\t]*(=)`;

  // Indented lines belong to the property above them until a line starts at column 0
  // (file-format.md §6; blank lines do not end it).
  const untilUnindented = '^(?=[^ \\t\\r\\n])';

  const indentedComment = {
    // R/J append this to the value (or reject it in a sub-property block); botocore, Go and
    // .NET skip it as a comment (§3, D4).
    match: '^([ \\t]+)(((#)|(;)).*?)[ \\t]*$',
    captures: {
      2: { name: s('comment.line.indented') },
      4: { name: s('punctuation.definition.comment') },
      5: { name: s('punctuation.definition.comment') },
    },
  };

  const header = (prefixes) => {
    const prefixGroups = prefixes.map((p) => `(${p})`).join('|');
    const source =
      `^(\\[)[ \\t]*(?:(?:${prefixGroups})[ \\t]+)${prefixes.length === 1 ? '' : '?'}` +
      '([^\\]]*?)[ \\t]*(\\])(?:[ \\t]*(?:((#).*?)|((;).*?))|[ \\t]*(\\S.*?))?[ \\t]*$';
    const captures = {
      0: { name: s('meta.section.header') },
      1: { name: s('punctuation.definition.section.begin') },
    };
    prefixes.forEach((p, i) => {
      captures[2 + i] = { name: s(`storage.type.section.${p}`) };
    });
    const n = 2 + prefixes.length;
    captures[n] = { name: s('entity.name.section.group-title') };
    captures[n + 1] = { name: s('punctuation.definition.section.end') };
    // .NET rejects the whole file when a header carries a comment (§3, D2).
    captures[n + 2] = { name: s('comment.line.inline.number-sign') };
    captures[n + 3] = { name: s('punctuation.definition.comment') };
    captures[n + 4] = { name: s('comment.line.inline.semicolon') };
    captures[n + 5] = { name: s('punctuation.definition.comment') };
    captures[n + 6] = { name: s('invalid.illegal.trailing-text') };
    return { source, captures };
  };

  const anyHeader = header(SECTION_PREFIXES);
  const servicesHeader = header(['services']);

  const repository = {
    comment: {
      patterns: [
        {
          match: '^(#).*$',
          name: s('comment.line.number-sign'),
          captures: { 1: { name: s('punctuation.definition.comment') } },
        },
        {
          match: '^(;).*$',
          name: s('comment.line.semicolon'),
          captures: { 1: { name: s('punctuation.definition.comment') } },
        },
      ],
    },
    header: {
      patterns: [
        { match: anyHeader.source, captures: anyHeader.captures },
        {
          match: '^(\\[)(.*)$',
          name: s('invalid.illegal.unclosed-section'),
          captures: { 1: { name: s('punctuation.definition.section.begin') } },
        },
      ],
    },
    'sub-property-block': {
      // `key =` with nothing after it opens a block of indented `k = v` sub-properties (§6).
      name: s('meta.property'),
      begin: `${keyPart}[ \\t]*$`,
      beginCaptures: keyCaptures,
      end: untilUnindented,
      patterns: [
        { include: '#sub-property' },
        indentedComment,
        {
          match: '^[ \\t]+(\\S.*?)[ \\t]*$',
          captures: { 1: { name: s('invalid.illegal.sub-property') } },
        },
      ],
    },
    'sub-property': {
      match: `^[ \\t]+(?:(${alternation(KNOWN_SUB_KEYS)})|(${KEY}))[ \\t]*(=)[ \\t]*${value.source}`,
      name: s('meta.sub-property'),
      captures: {
        1: { name: s('keyword.other.definition.sub-property') },
        2: { name: s('variable.other.property.sub-property') },
        3: { name: s('punctuation.separator.key-value') },
        ...value.captures(4),
      },
    },
    property: {
      // `key = value`; following indented lines are appended to the value (§6).
      name: s('meta.property'),
      begin: `${keyPart}[ \\t]*${value.source}`,
      beginCaptures: { ...keyCaptures, ...value.captures(4) },
      end: untilUnindented,
      patterns: [{ include: '#continuation' }],
    },
    continuation: {
      patterns: [
        indentedComment,
        {
          match: '^([ \\t]+)(\\S.*?)[ \\t]*$',
          captures: { 2: { name: s('string.unquoted.continuation') } },
        },
      ],
    },
    invalid: {
      // Not a header, comment, property or continuation: every SDK but Go rejects the file
      // (§2, D13/D14), e.g. `region: us-east-1` or `= value`.
      match: '^\\S.*$',
      name: s('invalid.illegal.syntax'),
    },
  };

  const topLevel = [
    { include: '#comment' },
    ...(servicesSection ? [{ include: '#services-section' }] : []),
    { include: '#header' },
    { include: '#sub-property-block' },
    { include: '#property' },
    { include: '#continuation' },
    { include: '#invalid' },
  ];

  if (servicesSection) {
    // Keys of a `[services NAME]` section are service identifiers (`s3`, `dynamodb`), each
    // opening a block of endpoint settings: not profile keys, so not "unknown" ones.
    repository['services-section'] = {
      name: s('meta.section.services'),
      begin: servicesHeader.source,
      beginCaptures: servicesHeader.captures,
      end: '^(?=\\[)',
      patterns: [
        { include: '#comment' },
        {
          name: s('meta.property'),
          begin: `^(${KEY})[ \\t]*(=)[ \\t]*$`,
          beginCaptures: {
            1: { name: s('entity.name.type.service') },
            2: { name: s('punctuation.separator.key-value') },
          },
          end: untilUnindented,
          patterns: repository['sub-property-block'].patterns,
        },
        { include: '#property' },
        { include: '#continuation' },
        { include: '#invalid' },
      ],
    };
  }

  return {
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    name: displayName,
    scopeName: `source.${lang}`,
    comment: 'Generated by grammars/generate.mjs: edit that file, not this one.',
    patterns: topLevel,
    repository,
  };
}

export const GRAMMARS = {
  'aws-credentials.tmLanguage.json': buildGrammar('aws-credentials', 'AWS Credentials', {
    servicesSection: false,
  }),
  'aws-config.tmLanguage.json': buildGrammar('aws-config', 'AWS Config', {
    servicesSection: true,
  }),
};

function main(argv) {
  const check = argv.includes('--check');
  let stale = 0;
  for (const [file, grammar] of Object.entries(GRAMMARS)) {
    const path = join(here, file);
    const text = `${JSON.stringify(grammar, null, 2)}\n`;
    if (check) {
      let current = '';
      try {
        current = readFileSync(path, 'utf8');
      } catch {
        // A missing grammar is as stale as an outdated one.
      }
      if (current !== text) {
        console.error(`${path}: out of date; run: node grammars/generate.mjs`);
        stale += 1;
      }
    } else {
      writeFileSync(path, text);
    }
  }
  return stale === 0 ? 0 : 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
