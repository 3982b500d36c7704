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
})();
