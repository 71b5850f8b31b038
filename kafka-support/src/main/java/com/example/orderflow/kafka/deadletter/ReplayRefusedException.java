package com.example.orderflow.kafka.deadletter;

/**
 * A parked record that must not be replayed: once replayed it would process its event
 * twice; once out of replays it would only be parked again.
 */
class ReplayRefusedException extends RuntimeException {

	private final ParkedRecord parked;

	ReplayRefusedException(ParkedRecord parked) {
		super(reason(parked));
		this.parked = parked;
	}

	ParkedRecord parked() {
		return this.parked;
	}

	static String reason(ParkedRecord parked) {
		return switch (parked.status()) {
			case REPLAYED -> "already replayed";
			case REPLAYS_EXHAUSTED -> "replays exhausted";
			case PARKED -> "parked";
		};
	}

}
