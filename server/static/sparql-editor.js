// The SPARQL query editor: YASGUI against this server's endpoint, with the ontology's prefixes preloaded
// and the example queries from queries/*.rq. Loaded from 'self' only (see the Content-Security-Policy).
(function () {
  "use strict";
  var settings = JSON.parse(document.getElementById("editor-settings").textContent);
  // The server sends a path (it never trusts the Host header, issue 13): the editor uses and shows the
  // absolute URL of that path as this browser reached the server.
  settings.endpoint = new URL(settings.endpoint, window.location.href).href;
  var shown = document.getElementById("endpoint-url");
  if (shown) {
    shown.textContent = settings.endpoint;
  }
  var element = document.getElementById("yasgui");
  if (!element || typeof window.Yasgui !== "function") {
    return;
  }
  // Only completers that work offline: the class/property completers ask a remote service (LOV).
  var completers = ["prefixes", "variables"];
  var yasgui = new window.Yasgui(element, {
    requestConfig: { endpoint: settings.endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: {
      getData: function () { return [{ endpoint: settings.endpoint }]; },
    },
    persistenceId: "thaiplan-yasgui",
    yasqe: { value: settings.defaultQuery, autocompleters: completers },
    yasr: { prefixes: settings.prefixes },
  });

  // Result IRIs of the graph's own instances open this server's /id/ pages, not w3id.org (which may
  // point elsewhere, or nowhere yet): YASR draws plain links, so they are rewritten as they appear.
  function localLinks(root) {
    var base = settings.instanceBase;
    if (!base || !settings.localInstanceBase) {
      return;
    }
    Array.prototype.forEach.call(root.querySelectorAll("a[href]"), function (link) {
      var href = link.getAttribute("href");
      if (href && href.indexOf(base) === 0 && href.length > base.length) {
        link.setAttribute("href", settings.localInstanceBase + href.slice(base.length));
        link.removeAttribute("target");
        link.setAttribute("title", href);
      }
    });
  }
  localLinks(element);
  new MutationObserver(function () { localLinks(element); }).observe(element, { childList: true, subtree: true });

  function queryWithPrefixes(query) {
    // Add the PREFIX lines an example leaves out, so that every example runs as shown.
    var lines = [];
    Object.keys(settings.prefixes).sort().forEach(function (name) {
      var declared = new RegExp("^\\s*PREFIX\\s+" + name + ":", "im");
      var used = new RegExp("(^|[\\s(/^,;|])" + name + ":", "m");
      if (!declared.test(query) && used.test(query)) {
        lines.push("PREFIX " + name + ": <" + settings.prefixes[name] + ">");
      }
    });
    return lines.length ? lines.join("\n") + "\n\n" + query : query;
  }

  Array.prototype.forEach.call(document.querySelectorAll("button.example"), function (button) {
    button.addEventListener("click", function () {
      var example = settings.examples[Number(button.getAttribute("data-example"))];
      if (!example) {
        return;
      }
      var tab = yasgui.addTab(true, {
        name: example.title.slice(0, 40),
        requestConfig: { endpoint: settings.endpoint, method: "POST" },
      });
      tab.setQuery(queryWithPrefixes(example.query));
      if (example.runnable) {
        tab.query();
      }
    });
  });
})();
