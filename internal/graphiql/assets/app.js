// Starts GraphiQL against this server's own /graphql endpoint; the token goes in the Headers tab.
(function () {
  var fetcher = GraphiQL.createFetcher({ url: new URL('/graphql', window.location.href).toString() });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultEditorToolsVisibility: 'headers',
    defaultHeaders: '{"Authorization": "Bearer <token from the login mutation>"}',
    shouldPersistHeaders: false
  }));
})();
