// Conveniences only: every page works without this file.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // After a facet toggle the page opens at #hits: focus it there, so the first result is one Tab away.
  if (window.location.hash) {
    var target = document.getElementById(window.location.hash.slice(1));
    if (target && target.getAttribute("tabindex") === "-1") {
      target.focus();
    }
  }

  // "/" focuses the search box, as on many search sites.
  document.addEventListener("keydown", function (event) {
    var box = document.getElementById("q");
    if (event.key === "/" && box && document.activeElement !== box &&
        !/^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement.tagName)) {
      event.preventDefault();
      box.focus();
    }
  });

  // Facet checkboxes apply at once (the panel says so): go to the value's ready-made URL.
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      var url = event.target.getAttribute("data-url");
      if (url) {
        window.location.assign(url);  // ends in #hits: the new page opens at the results list
      }
    });
  });

  // A box to find a facet value by typing; opens the "more" list while filtering.
  document.querySelectorAll("[data-facet-find]").forEach(function (input) {
    var group = input.closest(".facet");
    input.closest(".facet-find").hidden = false;
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();  // the box only filters the list; it must not submit the facet form
      }
    });
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      group.querySelectorAll(".facet-values li").forEach(function (item) {
        var text = item.querySelector(".value").textContent.toLowerCase();
        item.hidden = needle !== "" && text.indexOf(needle) === -1;
      });
      var more = group.querySelector("details.facet-more");
      if (more && needle !== "") {
        more.open = true;
      }
    });
  });

  // Filter the rows of a table by typing (browse pages).
  document.querySelectorAll("[data-table-filter]").forEach(function (input) {
    var table = document.getElementById(input.getAttribute("data-table-filter"));
    input.closest(".filter-box").hidden = false;
    input.addEventListener("input", function () {
      var needle = input.value.trim().toLowerCase();
      table.querySelectorAll("tbody tr").forEach(function (row) {
        row.hidden = needle !== "" && row.textContent.toLowerCase().indexOf(needle) === -1;
      });
    });
  });

  // Copy buttons: copy the text of the element named by data-copy, and say so.
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = document.execCommand("copy");
      document.body.removeChild(area);
      if (ok) { resolve(); } else { reject(new Error("copy failed")); }
    });
  }

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    var status = button.parentElement.querySelector(".copy-status");
    button.hidden = false;
    button.addEventListener("click", function () {
      copyText(source.textContent.trim()).then(function () {
        status.textContent = button.getAttribute("data-copied");
      }, function () {
        status.textContent = button.getAttribute("data-failed");
        var range = document.createRange();
        range.selectNodeContents(source);
        var selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
      });
    });
  });
})();
