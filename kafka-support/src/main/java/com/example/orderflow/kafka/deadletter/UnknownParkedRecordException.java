package com.example.orderflow.kafka.deadletter;

/** No record at these coordinates of the dead-letter topic (any more). */
class UnknownParkedRecordException extends RuntimeException {

	UnknownParkedRecordException(ParkedRecordId id) {
		super("No parked record at partition " + id.partition() + ", offset " + id.offset());
	}

}
