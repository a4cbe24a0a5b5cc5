// The /docs page: Swagger UI over this app's openapi.json (its address is on the page, so
// the page works under whatever prefix the app is mounted at). Nothing is fetched from
// elsewhere: no validator badge, no CDN.
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.spec,
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    deepLinking: true,
    validatorUrl: null,
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    defaultModelExpandDepth: 3,
    displayRequestDuration: true,
    showExtensions: true,
    persistAuthorization: false
  });
});
