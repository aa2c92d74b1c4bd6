// The book's own script, added to every page by Jupyter Book.

// Printing: a table still wider than its column once its cells wrap (book.css) is scaled down to fit,
// rather than cut at the edge of the page or of the box around it. `make pdf` runs this too.
function bookFitTables() {
  for (const table of document.querySelectorAll(".bd-article table")) {
    table.style.zoom = "";
    if (table.parentElement.closest("table")) continue; // scaled with the table around it
    const box = table.getBoundingClientRect();
    let room = Infinity; // from the table's left edge to the nearest right edge around it
    for (let el = table.parentElement; el; el = el.parentElement) {
      const right = el.getBoundingClientRect().right - parseFloat(getComputedStyle(el).paddingRight);
      room = Math.min(room, right - box.left);
      if (el.matches(".bd-article")) break;
    }
    // text does not shrink quite in proportion (rounding at small sizes): measure again until it fits
    for (let i = 0, width = box.width; i < 5 && width > room + 1; i++) {
      table.style.zoom = String((parseFloat(table.style.zoom) || 1) * Math.floor((room / width) * 1000) / 1000);
      width = table.getBoundingClientRect().width;
    }
  }
}
// A displayed formula wider than its column is scaled down the same way: MathJax does not break lines.
function bookFitMath() {
  for (const box of document.querySelectorAll('.bd-article mjx-container[display="true"]')) {
    box.style.zoom = "";
    const math = box.querySelector("mjx-math");
    if (!math) continue;
    const room = box.getBoundingClientRect().width;
    for (let i = 0, width = math.getBoundingClientRect().width; i < 5 && width > room + 1; i++) {
      box.style.zoom = String((parseFloat(box.style.zoom) || 1) * Math.floor((room / width) * 1000) / 1000);
      width = math.getBoundingClientRect().width;
    }
  }
}
window.addEventListener("beforeprint", () => { bookFitTables(); bookFitMath(); });
window.addEventListener("afterprint", () => {
  for (const el of document.querySelectorAll('.bd-article table, .bd-article mjx-container[display="true"]')) {
    el.style.zoom = "";
  }
});
