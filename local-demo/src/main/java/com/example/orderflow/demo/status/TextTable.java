package com.example.orderflow.demo.status;

import java.util.ArrayList;
import java.util.List;

/** Rows of cells, each column as wide as its widest cell, for a terminal. */
public final class TextTable {

	private final List<List<String>> rows = new ArrayList<>();

	public TextTable row(Object... cells) {
		List<String> row = new ArrayList<>();
		for (Object cell : cells) {
			row.add(String.valueOf(cell));
		}
		this.rows.add(row);
		return this;
	}

	/** The rows, each line starting with the indent and without trailing blanks. */
	public String render(String indent) {
		List<Integer> widths = new ArrayList<>();
		for (List<String> row : this.rows) {
			for (int column = 0; column < row.size(); column++) {
				int width = row.get(column).codePointCount(0, row.get(column).length());
				if (column == widths.size()) {
					widths.add(width);
				}
				else {
					widths.set(column, Math.max(widths.get(column), width));
				}
			}
		}
		StringBuilder text = new StringBuilder();
		for (List<String> row : this.rows) {
			StringBuilder line = new StringBuilder(indent);
			for (int column = 0; column < row.size(); column++) {
				String cell = row.get(column);
				line.append(cell);
				if (column < row.size() - 1) {
					line.append(" ".repeat(widths.get(column) - cell.codePointCount(0, cell.length()) + 2));
				}
			}
			text.append(line.toString().stripTrailing()).append('\n');
		}
		return text.toString();
	}

}
