// NestJS 12 (and a few of its dependencies) ship as ES modules only. Node 20 loads them with require(esm),
// but Jest's module system cannot before Node 24.9, so Jest turns exactly those packages into CommonJS.
// import.meta.url has no CommonJS form; it becomes the file's URL.
const babelJest = require('babel-jest').default ?? require('babel-jest');

function importMetaUrlToFileUrl({ types: t }) {
  return {
    visitor: {
      // Jest reports dynamic import() as supported, so Babel would leave it; without vm modules it is not.
      Import(path) {
        const call = path.parentPath;
        if (!call.isCallExpression()) return;
        const [specifier] = call.node.arguments;
        call.replaceWith(
          t.callExpression(
            t.memberExpression(
              t.callExpression(t.memberExpression(t.identifier('Promise'), t.identifier('resolve')), []),
              t.identifier('then'),
            ),
            [t.arrowFunctionExpression([], t.callExpression(t.identifier('require'), [specifier]))],
          ),
        );
      },
      MetaProperty(path) {
        if (path.node.meta.name !== 'import' || path.node.property.name !== 'meta') return;
        const parent = path.parentPath;
        if (parent.isMemberExpression() && t.isIdentifier(parent.node.property, { name: 'url' })) {
          parent.replaceWithSourceString('new URL("file://" + encodeURI(__filename)).href');
        } else {
          path.replaceWithSourceString('({ url: new URL("file://" + encodeURI(__filename)).href })');
        }
      },
    },
  };
}

module.exports = babelJest.createTransformer({
  babelrc: false,
  configFile: false,
  plugins: [importMetaUrlToFileUrl, '@babel/plugin-transform-modules-commonjs'],
  // Changing this file must invalidate Jest's cache of transformed packages.
  sourceType: 'module',
  envName: `esm-to-cjs-${require('node:crypto').createHash('sha1').update(require('node:fs').readFileSync(__filename)).digest('hex').slice(0, 8)}`,
});
