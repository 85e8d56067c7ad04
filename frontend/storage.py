"""Static files storage for production."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    # The live client is plain ES modules: rewrite their `import "./live.js"`
    # to the hashed names, or a cached old module could pair with a new one.
    support_js_module_import_aggregation = True
