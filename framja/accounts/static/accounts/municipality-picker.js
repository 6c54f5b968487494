/* Municipality picker: filter a long checkbox list grouped by county, select a whole county.
   Works without JavaScript (open a county and tick); this file only adds the conveniences. */
(function () {
  "use strict";

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/ø/g, "o").replace(/æ/g, "ae").replace(/đ/g, "d");
  }

  function setup(picker) {
    var tools = picker.querySelector("[data-picker-tools]");
    var filter = picker.querySelector("[data-picker-filter]");
    var status = picker.querySelector("[data-picker-status]");
    var counties = Array.prototype.slice.call(picker.querySelectorAll("[data-picker-county]"));
    var items = Array.prototype.slice.call(picker.querySelectorAll("[data-picker-item]"));
    items.forEach(function (item) { item.dataset.folded = fold(item.dataset.name || ""); });
    tools.hidden = false;
    picker.querySelectorAll(".no-js-only").forEach(function (el) { el.hidden = true; });

    function countSelected() {
      return picker.querySelectorAll("input[type=checkbox]:checked").length;
    }

    function refreshCounts() {
      counties.forEach(function (county) {
        var checked = county.querySelectorAll("input[type=checkbox]:checked").length;
        var label = county.querySelector("[data-picker-county-count]");
        if (label) {
          label.textContent = checked ? "(" + picker.dataset.templateCounty.replace("%(count)s", checked) + ")" : "";
        }
      });
      status.textContent = status.dataset.templateSelected.replace("%(count)s", countSelected());
    }

    function applyFilter() {
      var query = fold(filter.value.trim());
      var shown = 0;
      counties.forEach(function (county) {
        var visible = 0;
        county.querySelectorAll("[data-picker-item]").forEach(function (item) {
          var match = !query || item.dataset.folded.indexOf(query) !== -1;
          item.hidden = !match;
          if (match) { visible += 1; }
        });
        county.hidden = visible === 0;
        if (query) { county.open = visible > 0; }
        shown += visible;
      });
      if (query && shown === 0) {
        status.textContent = status.dataset.templateNone;
      } else {
        refreshCounts();
      }
    }

    counties.forEach(function (county) {
      var all = county.querySelector("[data-picker-all]");
      if (!all) { return; }
      all.hidden = false;
      all.addEventListener("click", function () {
        county.querySelectorAll("[data-picker-item]:not([hidden]) input[type=checkbox]").forEach(function (box) {
          box.checked = true;
        });
        refreshCounts();
      });
    });
    picker.addEventListener("change", function (event) {
      if (event.target.type === "checkbox") { refreshCounts(); }
    });
    filter.addEventListener("input", applyFilter);
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }  // do not submit the whole form
    });
    refreshCounts();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-picker]").forEach(setup);
  });
})();
