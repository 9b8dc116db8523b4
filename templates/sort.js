/* sort.js - click a column heading of a table.sortable to sort by it, again to
   reverse. A cell sorts by its data-v attribute when it has one, else by its
   text; numbers as numbers, text in Chinese order; empty cells ("", "—") last.
   Without JavaScript the tables simply keep the order of the page. */
(function () {
	"use strict";
	var collator = window.Intl ? new Intl.Collator("zh-Hans-CN", { numeric: true }) : null;

	function key(cell) {
		if (!cell) return "";
		var v = cell.getAttribute("data-v");
		return (v === null ? cell.textContent : v).trim();
	}
	function empty(s) { return s === "" || s === "—"; }
	function number(s) { return /^[-+]?\d+(\.\d+)?%?$/.test(s) ? parseFloat(s) : NaN; }
	function compare(a, b) {
		var x = number(a), y = number(b);
		if (!isNaN(x) && !isNaN(y)) return x - y;
		if (collator) return collator.compare(a, b);
		return a < b ? -1 : a > b ? 1 : 0;
	}
	function sortBy(table, col, th) {
		var body = table.tBodies[0];
		var dir = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
		var rows = Array.prototype.map.call(body.rows, function (r, i) {
			return { row: r, key: key(r.cells[col]), i: i };
		});
		rows.sort(function (p, q) {
			var ep = empty(p.key), eq = empty(q.key);
			if (ep || eq) return ep === eq ? p.i - q.i : ep ? 1 : -1;
			return compare(p.key, q.key) * dir || p.i - q.i;
		});
		var frag = document.createDocumentFragment();
		rows.forEach(function (x) { frag.appendChild(x.row); });
		body.appendChild(frag);
		Array.prototype.forEach.call(th.parentNode.cells, function (c) { c.removeAttribute("aria-sort"); });
		th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
	}
	function init() {
		Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
			if (!table.tHead || !table.tBodies.length) return;
			var head = table.tHead.rows[table.tHead.rows.length - 1];
			Array.prototype.forEach.call(head.cells, function (th, col) {
				var b = document.createElement("button");
				b.type = "button";
				b.className = "sort";
				b.title = "按此列排序";
				while (th.firstChild) b.appendChild(th.firstChild);
				th.appendChild(b);
				b.addEventListener("click", function () { sortBy(table, col, th); });
			});
		});
	}
	if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
	else init();
})();
