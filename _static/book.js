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
window.addEventListener("beforeprint", bookFitTables);
window.addEventListener("afterprint", () => {
  for (const table of document.querySelectorAll(".bd-article table")) table.style.zoom = "";
});
