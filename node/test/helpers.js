'use strict'
// Shared helpers of the test suite.

/** `records[1].agent_id` -> `records[1].agentId`. */
function camelPath(path) {
  return path.replace(/([a-z0-9])_([a-z])/g, (_, a, b) => a + b.toUpperCase())
}

/** Deep copy with object keys in camelCase. */
function camelKeys(value) {
  if (Array.isArray(value)) return value.map(camelKeys)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [camelPath(k), camelKeys(v)]))
  }
  return value
}

module.exports = { camelPath, camelKeys }
