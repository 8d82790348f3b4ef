'use strict';
// portkey.apiKeys: organisation and workspace API keys (`/api-keys`).
// Params are passed as given; the core accepts snake_case, camelCase and wire names
// (`sub-type`, `sub_type`, `subType`; `workspace_id`, `workspaceId`).
const { APIResource } = require('../resource');

class ApiKeys extends APIResource {
  /** Create an API key; the answer holds the full secret, shown only this once. */
  create(params, options) {
    return this._client._call('api_keys.create', params, options);
  }

  /** List API keys, one page at a time, with the total count. */
  list(params, options) {
    return this._client._call('api_keys.list', params, options);
  }

  /** Retrieve an API key (`{ id }`); its secret is shown masked. */
  retrieve(params, options) {
    return this._client._call('api_keys.retrieve', params, options);
  }

  /** Update an API key's name, limits, scopes, defaults, expiry or rotation policy. */
  update(params, options) {
    return this._client._call('api_keys.update', params, options);
  }

  /** Delete an API key (`{ id }`). */
  delete(params, options) {
    return this._client._call('api_keys.delete', params, options);
  }

  /** Rotate an API key: a new secret, the old one valid for a transition period. */
  rotate(params, options) {
    return this._client._call('api_keys.rotate', params, options);
  }
}

module.exports = { ApiKeys };
