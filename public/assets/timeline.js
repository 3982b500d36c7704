// accredit: a partner page's timeline opens at today. On a narrow screen the timeline is wider than the
// page and scrolls inside its own box; without this it would open at its oldest date, with today out of
// sight. Plain JavaScript, no framework; without it the timeline is the same, scrolled to its start.
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll(".timeline-scroll"), function (box) {
    var today = box.querySelector("line.today");
    if (!today || box.scrollWidth <= box.clientWidth) return;
    // The plot shown beside the lane labels that stay at the left; today a little right of its middle,
    // with the history behind it and what comes next.
    var labels = box.querySelector(".timeline-labels");
    var start = labels ? labels.getBoundingClientRect().width : 0;
    var x = today.getBoundingClientRect().left - box.getBoundingClientRect().left + box.scrollLeft;
    var target = x - start - (box.clientWidth - start) * 0.6;
    box.scrollLeft = Math.max(0, Math.min(box.scrollWidth - box.clientWidth, target));
  });
})();
