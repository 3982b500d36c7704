// accredit: the search box of a site built with `accredit build --search`, over Pagefind's index in
// pagefind/. Browsers do not load the index from a file:// page: the box then says how to serve the site.
(function () {
  "use strict";
  var box = document.getElementById("search");
  if (!box) return;
  if (location.protocol === "file:" || typeof PagefindUI === "undefined") {
    document.getElementById("search-unavailable").hidden = false;
    return;
  }
  new PagefindUI({ element: "#search", showSubResults: true, showImages: false, resetStyles: false });
  // Pagefind's input has a placeholder but no accessible name: give it one.
  var label = box.parentNode.getAttribute("aria-label");
  function name() {
    var input = box.querySelector("input");
    if (input) input.setAttribute("aria-label", label);
    return input;
  }
  if (!name()) new MutationObserver(function (changes, observer) { if (name()) observer.disconnect(); })
    .observe(box, { childList: true, subtree: true });
})();
