'use strict';
// portkey.apiKeys: organisation and workspace API keys (`/api-keys`).
// Params are passed as given; the core accepts snake_case, camelCase and wire names
// (`sub-type`, `sub_type`, `subType`; `workspace_id`, `workspaceId`).
// Method docs live in types/portkey.d.ts, checked against the core's summaries.
const { APIResource } = require('../resource');

class ApiKeys extends APIResource {
  create(params, options) {
    return this._client._call('api_keys.create', params, options);
  }

  list(params, options) {
    return this._client._call('api_keys.list', params, options);
  }

  retrieve(params, options) {
    return this._client._call('api_keys.retrieve', params, options);
  }

  update(params, options) {
    return this._client._call('api_keys.update', params, options);
  }

  delete(params, options) {
    return this._client._call('api_keys.delete', params, options);
  }

  rotate(params, options) {
    return this._client._call('api_keys.rotate', params, options);
  }
}

module.exports = { ApiKeys };
