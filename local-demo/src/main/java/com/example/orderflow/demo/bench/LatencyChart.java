package com.example.orderflow.demo.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A hand-written SVG line chart of latency by offered rate, both axes logarithmic: the
 * rates double from step to step and the latencies span milliseconds to seconds.
 */
final class LatencyChart {

	private static final int WIDTH = 1000;

	private static final int HEIGHT = 520;

	private static final int LEFT = 70;

	private static final int RIGHT = 300;

	private static final int TOP = 40;

	private static final int BOTTOM = 60;

	private static final String[] COLOURS = { "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
			"#e377c2", "#7f7f7f", "#bcbd22", "#17becf" };

	private LatencyChart() {
	}

	/**
	 * One line: a name and its points.
	 *
	 * @param name in the legend
	 * @param points rate and latency
	 * @param colour the index of its colour, negative for its position among the series
	 * @param dashed a dashed line with hollow points, as for a second mode of a line
	 * drawn solid in the same colour
	 */
	record Series(String name, List<Point> points, int colour, boolean dashed) {

		Series(String name, List<Point> points) {
			this(name, points, -1, false);
		}

	}

	/** Rate in orders per second, latency in milliseconds. */
	record Point(double rate, double ms) {
	}

	/**
	 * @param title the chart's title
	 * @param series the lines; points with a rate or latency of 0 or less are left out (a
	 * log axis has no place for them)
	 * @param limitMs a dashed horizontal line, such as the 100 ms target; 0 for none
	 */
	static String svg(String title, List<Series> series, double limitMs) {
		List<Point> all = new ArrayList<>();
		series.forEach((line) -> line.points().stream().filter(LatencyChart::drawable).forEach(all::add));
		double minRate = all.stream().mapToDouble(Point::rate).min().orElse(1);
		double maxRate = all.stream().mapToDouble(Point::rate).max().orElse(10);
		double minMs = Math.min(all.stream().mapToDouble(Point::ms).min().orElse(1), (limitMs > 0) ? limitMs : 1);
		double maxMs = Math.max(all.stream().mapToDouble(Point::ms).max().orElse(10), (limitMs > 0) ? limitMs : 1);
		Axis x = new Axis(decadeBelow(minRate), Math.max(decadeAbove(maxRate), decadeBelow(minRate) * 10), LEFT,
				WIDTH - RIGHT);
		Axis y = new Axis(decadeBelow(minMs), Math.max(decadeAbove(maxMs), decadeBelow(minMs) * 10), HEIGHT - BOTTOM,
				TOP);
		StringBuilder svg = new StringBuilder();
		svg.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
		svg.append(format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
				+ " font-family=\"sans-serif\" font-size=\"12\">\n", WIDTH, HEIGHT, WIDTH, HEIGHT));
		svg.append(format("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", WIDTH, HEIGHT));
		svg.append(format("<text x=\"%d\" y=\"24\" font-size=\"15\">%s</text>\n", LEFT, escape(title)));
		for (double tick = x.from; tick <= x.to * 1.0001; tick *= 10) {
			for (int m = 1; m < 10 && tick * m <= x.to * 1.0001; m++) {
				double at = x.at(tick * m);
				svg.append(format("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#%s\"/>\n", at, TOP, at,
						HEIGHT - BOTTOM, (m == 1) ? "ccc" : "eee"));
				if (m == 1 || m == 2 || m == 5) {
					svg.append(format("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", at,
							HEIGHT - BOTTOM + 16, label(tick * m)));
				}
			}
		}
		for (double tick = y.from; tick <= y.to * 1.0001; tick *= 10) {
			for (int m = 1; m < 10 && tick * m <= y.to * 1.0001; m++) {
				double at = y.at(tick * m);
				svg.append(format("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#%s\"/>\n", LEFT, at,
						WIDTH - RIGHT, at, (m == 1) ? "ccc" : "eee"));
				if (m == 1 || m == 2 || m == 5) {
					svg.append(format("<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n", LEFT - 6, at + 4,
							label(tick * m)));
				}
			}
		}
		svg.append(format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">offered rate (orders/s)</text>\n",
				(LEFT + WIDTH - RIGHT) / 2, HEIGHT - 20));
		svg.append(format("<text x=\"16\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 16 %d)\">"
				+ "latency (ms)</text>\n", (TOP + HEIGHT - BOTTOM) / 2, (TOP + HEIGHT - BOTTOM) / 2));
		if (limitMs > 0) {
			double at = y.at(limitMs);
			svg.append(format("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#d62728\""
					+ " stroke-dasharray=\"6 4\"/>\n", LEFT, at, WIDTH - RIGHT, at));
			svg.append(format("<text x=\"%d\" y=\"%.1f\" fill=\"#d62728\">%s ms</text>\n", LEFT + 4, at - 4,
					label(limitMs)));
		}
		for (int i = 0; i < series.size(); i++) {
			Series line = series.get(i);
			String colour = COLOURS[((line.colour() >= 0) ? line.colour() : i) % COLOURS.length];
			String dash = line.dashed() ? " stroke-dasharray=\"5 3\"" : "";
			List<Point> points = line.points().stream().filter(LatencyChart::drawable).toList();
			StringBuilder path = new StringBuilder();
			for (Point point : points) {
				path.append(format("%.1f,%.1f ", x.at(point.rate()), y.at(point.ms())));
			}
			if (points.size() > 1) {
				svg.append(format("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"%s\"/>\n",
						colour, dash, path.toString().trim()));
			}
			for (Point point : points) {
				svg.append(format(
						"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\" stroke=\"%s\"><title>%s: %s/s, %s ms"
								+ "</title></circle>\n",
						x.at(point.rate()), y.at(point.ms()), line.dashed() ? "white" : colour, colour,
						escape(line.name()), label(point.rate()), label(point.ms())));
			}
			int legendY = TOP + 10 + i * 18;
			svg.append(format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>\n",
					WIDTH - RIGHT + 15, legendY, WIDTH - RIGHT + 35, legendY, colour, dash));
			svg.append(format("<text x=\"%d\" y=\"%d\">%s</text>\n", WIDTH - RIGHT + 40, legendY + 4,
					escape(line.name())));
		}
		svg.append("</svg>\n");
		return svg.toString();
	}

	private static boolean drawable(Point point) {
		return point.rate() > 0 && point.ms() > 0 && Double.isFinite(point.rate()) && Double.isFinite(point.ms());
	}

	private static double decadeBelow(double value) {
		return Math.pow(10, Math.floor(Math.log10(value)));
	}

	private static double decadeAbove(double value) {
		return Math.pow(10, Math.ceil(Math.log10(value)));
	}

	private static String label(double value) {
		if (value >= 1 && value == Math.rint(value)) {
			return Long.toString((long) value);
		}
		return format("%.3g", value);
	}

	static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}

	private static String format(String pattern, Object... values) {
		return String.format(Locale.ROOT, pattern, values);
	}

	/** A log axis from one decade to another, onto pixels. */
	private record Axis(double from, double to, double pixelFrom, double pixelTo) {

		double at(double value) {
			double share = (Math.log10(value) - Math.log10(this.from)) / (Math.log10(this.to) - Math.log10(this.from));
			return this.pixelFrom + share * (this.pixelTo - this.pixelFrom);
		}

	}

}
