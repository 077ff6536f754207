// Research conveniences kept in this browser only (localStorage): marked results and saved searches,
// and the live query preview of the advanced search form. The pages work without this file.
(function () {
  "use strict";
  var MARKS = "archive.marks", SAVED = "archive.saved";

  function load(key) {
    try { return JSON.parse(window.localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function store(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); } catch (e) { /* private mode: no memory */ }
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text !== undefined) { node.textContent = text; }  // text only: titles and labels are never HTML
    return node;
  }

  // ---- marked results
  var bar = document.querySelector("[data-marks]");
  function idsQuery(marks) {
    return "?" + marks.map(function (m) { return "id=" + encodeURIComponent(m.id); }).join("&");
  }
  function renderMarks() {
    var marks = load(MARKS);
    bar.hidden = marks.length === 0;
    bar.querySelector(".marked-count").textContent = marks.length + " ✓";
    bar.querySelectorAll("a[data-cite]").forEach(function (link) {
      link.href = bar.getAttribute("data-cite-" + link.getAttribute("data-cite")) + idsQuery(marks);
    });
    document.querySelectorAll(".hit[data-id] input[data-mark]").forEach(function (box) {
      box.checked = marks.some(function (m) { return String(m.id) === box.value; });
    });
  }
  if (bar) {
    document.querySelectorAll(".hit[data-id]").forEach(function (hit) {
      var id = hit.getAttribute("data-id");
      var title = hit.querySelector("h3").textContent.trim();
      var label = el("label", {"class": "mark-box"});
      var box = el("input", {type: "checkbox", value: id, "data-mark": ""});
      label.appendChild(box);
      label.appendChild(document.createTextNode(" " + bar.getAttribute("data-mark-label")));
      hit.querySelector(".meta").appendChild(label);
      box.addEventListener("change", function () {
        var marks = load(MARKS).filter(function (m) { return String(m.id) !== id; });
        if (box.checked) { marks.push({id: Number(id), title: title}); }
        store(MARKS, marks);
        renderMarks();
      });
    });
    bar.querySelector("[data-clear-marks]").addEventListener("click", function () {
      store(MARKS, []);
      renderMarks();
    });
    renderMarks();
  }

  // ---- saved searches, with the results new since the last visit
  var panel = document.querySelector("[data-saved-searches]");
  function newestIds(query) {
    var sep = query === "?" ? "" : "&";
    return fetch(panel.getAttribute("data-api") + query + sep + "sort=newest&per_page=100", {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : {results: []}; })
      .then(function (data) { return data.results.map(function (r) { return r.id; }); });
  }
  function renderSaved() {
    var saved = load(SAVED), list = panel.querySelector(".saved-list");
    var current = panel.getAttribute("data-query");
    list.textContent = "";
    panel.querySelector(".saved-heading").hidden = saved.length === 0;
    saved.forEach(function (entry) {
      var item = el("li", {"data-saved-query": entry.query});
      item.appendChild(el("a", {href: panel.getAttribute("data-search") + entry.query}, entry.label));
      var status = el("span", {"class": "new-count", "aria-live": "polite"});
      item.appendChild(document.createTextNode(" "));
      item.appendChild(status);
      item.appendChild(document.createTextNode(" · "));
      item.appendChild(el("a", {href: panel.getAttribute("data-feed") + (entry.query === "?" ? "" : entry.query),
                                "class": "saved-feed"}, "Atom"));
      var remove = el("button", {type: "button", "class": "saved-remove"}, panel.getAttribute("data-remove"));
      remove.addEventListener("click", function () {
        store(SAVED, load(SAVED).filter(function (e) { return e.query !== entry.query; }));
        renderSaved();
      });
      item.appendChild(document.createTextNode(" "));
      item.appendChild(remove);
      list.appendChild(item);
      if (entry.query === current) { return; }  // this visit: nothing is new
      newestIds(entry.query).then(function (ids) {
        var fresh = ids.filter(function (id) { return entry.seen.indexOf(id) === -1; }).length;
        status.textContent = fresh ? fresh + " " + panel.getAttribute("data-new") : panel.getAttribute("data-none-new");
        status.setAttribute("data-new", String(fresh));
      });
    });
  }
  function visit(query) {  // opening a saved search counts as a visit: its results are seen now
    var saved = load(SAVED), entry = saved.filter(function (e) { return e.query === query; })[0];
    if (!entry) { return Promise.resolve(); }
    return newestIds(query).then(function (ids) {
      entry.seen = ids;
      entry.visited = new Date().toISOString();
      store(SAVED, saved);
    });
  }
  if (panel) {
    panel.hidden = false;
    var query = panel.getAttribute("data-query");
    var button = panel.querySelector("[data-save-search]");
    button.addEventListener("click", function () {
      var saved = load(SAVED).filter(function (e) { return e.query !== query; });
      saved.push({query: query, label: panel.getAttribute("data-label"), seen: [], visited: null});
      store(SAVED, saved);
      button.textContent = panel.getAttribute("data-saved-text");
      visit(query).then(renderSaved);
    });
    visit(query).then(renderSaved);
  }

  // ---- advanced search: show the query the fields write, as it will appear in the search box
  var advanced = document.querySelector("form[data-advanced]");
  function words(text) {
    return text.replace(/["“”]/g, " ").split(/\s+/).filter(function (w) {
      return w && ["OR", "AND", "NOT"].indexOf(w.toUpperCase()) === -1;
    });
  }
  function compose(form) {
    var field = form.elements.title_only.checked ? "title:" : "";
    var parts = words(form.elements.all.value).map(function (w) { return field + w; });
    var phrase = form.elements.phrase.value.replace(/["“”]/g, " ").trim().split(/\s+/).join(" ");
    if (phrase) { parts.push(field + '"' + phrase + '"'); }
    var any = words(form.elements.any.value).map(function (w) { return field + w; });
    if (any.length === 1) { parts.push(any[0]); } else if (any.length) { parts.push("(" + any.join(" OR ") + ")"); }
    words(form.elements.none.value).forEach(function (w) { parts.push("-" + field + w); });
    return parts.join(" ");
  }
  if (advanced) {
    var output = advanced.querySelector("#adv-preview");
    output.parentElement.hidden = false;
    var update = function () { output.textContent = compose(advanced); };
    advanced.addEventListener("input", update);
    advanced.addEventListener("change", update);
    update();
  }
})();
