/* versions: small enhancements only; every page works without this file. */
(function () {
  "use strict";

  // A "Copy" button next to each element marked data-copy (the citation line).
  function addCopyButtons() {
    var targets = document.querySelectorAll("[data-copy]");
    Array.prototype.forEach.call(targets, function (target) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = "Copy citation";
      button.addEventListener("click", function () {
        var text = target.textContent.trim();
        var done = function () { button.textContent = "Copied"; };
        var fallback = function () {
          var range = document.createRange();
          range.selectNodeContents(target);
          var selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
          button.textContent = "Selected: press Ctrl+C";
        };
        if (navigator.clipboard && navigator.clipboard.writeText) {
          navigator.clipboard.writeText(text).then(done, fallback);
        } else {
          fallback();
        }
      });
      target.insertAdjacentElement("afterend", button);
    });
  }

  // Changing a select or checkbox of a controls form applies it at once (the Show button stays for no-JS use).
  function autoSubmitControls() {
    var forms = document.querySelectorAll("form[data-autosubmit]");
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener("change", function () { form.submit(); });
    });
  }

  // Keys j / k move to the next / previous row of an alignment table.
  function rowKeys() {
    var rows = document.querySelectorAll("table.alignment tbody tr[id]");
    if (!rows.length) { return; }
    document.addEventListener("keydown", function (event) {
      if (event.altKey || event.ctrlKey || event.metaKey) { return; }
      var tag = (event.target && event.target.tagName) || "";
      if (tag === "INPUT" || tag === "SELECT" || tag === "TEXTAREA") { return; }
      if (event.key !== "j" && event.key !== "k") { return; }
      var current = -1;
      for (var i = 0; i < rows.length; i++) {
        if ("#" + rows[i].id === window.location.hash) { current = i; break; }
      }
      var next = event.key === "j" ? Math.min(current + 1, rows.length - 1) : Math.max(current - 1, 0);
      window.location.hash = "#" + rows[next].id;
    });
  }

  function start() {
    addCopyButtons();
    autoSubmitControls();
    rowKeys();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
