package com.example.orderflow.demo.tour;

/** One idea of the tour: shown live, explained, drawn, and verified. */
public interface TourStep {

	/** The idea, in a few words, for the headline and the final table. */
	String idea();

	/** What the step shows and why it matters: a short paragraph. */
	String explanation();

	/**
	 * Shows the idea on the running system and checks it on the cluster.
	 * @return the verdict, with the evidence in one line
	 */
	Verdict show(TourContext context);

	/** Whether the step's claim held, and what showed it. */
	record Verdict(boolean passed, String evidence) {

		static Verdict of(boolean passed, String evidence) {
			return new Verdict(passed, evidence);
		}

	}

}
