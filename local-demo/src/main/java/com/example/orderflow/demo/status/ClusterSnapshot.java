package com.example.orderflow.demo.status;

import java.util.List;
import java.util.Optional;

/**
 * The state of a cluster at one moment, as the Admin API reported it. A plain value, so
 * that rendering it is a pure function.
 *
 * @param bootstrapServers where the snapshot was taken
 * @param brokers the registered (alive, unfenced) brokers by id
 * @param quorum the KRaft metadata quorum, or {@code null} if it did not answer
 * @param topics every topic, main topics first
 * @param groups the consumer groups that read or have read {@code orders}
 */
public record ClusterSnapshot(String bootstrapServers, List<Broker> brokers, Quorum quorum, List<TopicState> topics,
		List<GroupState> groups) {

	public ClusterSnapshot {
		brokers = List.copyOf(brokers);
		topics = List.copyOf(topics);
		groups = List.copyOf(groups);
	}

	/** The same snapshot with these groups. */
	public ClusterSnapshot withGroups(List<GroupState> groups) {
		return new ClusterSnapshot(this.bootstrapServers, this.brokers, this.quorum, this.topics, groups);
	}

	public Optional<Quorum> quorumInfo() {
		return Optional.ofNullable(this.quorum);
	}

	/**
	 * A registered broker.
	 *
	 * @param id the node id
	 * @param host the advertised host
	 * @param port the advertised client port
	 */
	public record Broker(int id, String host, int port) {

	}

	/**
	 * The metadata quorum.
	 *
	 * @param leaderId the active controller, -1 if there is none
	 * @param leaderEpoch how many leaders there have been
	 * @param voters every voter, whether it is up or not
	 */
	public record Quorum(int leaderId, long leaderEpoch, List<Voter> voters) {

		public Quorum {
			voters = List.copyOf(voters);
		}

	}

	/**
	 * A voter of the metadata quorum.
	 *
	 * @param id the node id
	 * @param logEndOffset how far its copy of the metadata log goes
	 */
	public record Voter(int id, long logEndOffset) {

	}

	/**
	 * A topic.
	 *
	 * @param name the name
	 * @param internal whether Kafka owns it ({@code __consumer_offsets})
	 * @param minInsyncReplicas its {@code min.insync.replicas}, 0 if unknown
	 * @param partitions its partitions by number
	 */
	public record TopicState(String name, boolean internal, int minInsyncReplicas, List<PartitionState> partitions) {

		public TopicState {
			partitions = List.copyOf(partitions);
		}

	}

	/**
	 * A partition.
	 *
	 * @param partition its number
	 * @param leader the broker that leads it, -1 if none does (offline)
	 * @param replicas the brokers that hold a replica, preferred leader first
	 * @param isr the replicas in sync with the leader
	 */
	public record PartitionState(int partition, int leader, List<Integer> replicas, List<Integer> isr) {

		public PartitionState {
			replicas = List.copyOf(replicas);
			isr = List.copyOf(isr);
		}

		public boolean isOffline() {
			return this.leader < 0;
		}

		public boolean isUnderReplicated() {
			return this.isr.size() < this.replicas.size();
		}

	}

	/**
	 * A consumer group on {@code orders}.
	 *
	 * @param groupId the group
	 * @param state its state ({@code Stable}, {@code Empty}, ...)
	 * @param members its members now
	 * @param partitions committed offset and lag for each partition of {@code orders}
	 */
	public record GroupState(String groupId, String state, List<Member> members, List<PartitionLag> partitions) {

		public GroupState {
			members = List.copyOf(members);
			partitions = List.copyOf(partitions);
		}

		/** The sum of the known lags. */
		public long totalLag() {
			return this.partitions.stream()
				.map(PartitionLag::lag)
				.flatMap(Optional::stream)
				.mapToLong(Long::longValue)
				.sum();
		}

	}

	/**
	 * A member of a group.
	 *
	 * @param clientId the consumer's client id
	 * @param host where it connects from
	 * @param partitions the partitions of {@code orders} assigned to it
	 */
	public record Member(String clientId, String host, List<Integer> partitions) {

		public Member {
			partitions = List.copyOf(partitions);
		}

	}

	/**
	 * Where a group is on one partition of {@code orders}.
	 *
	 * @param partition the partition
	 * @param committedOffset the group's committed offset, {@code null} if none yet
	 * @param logEndOffset the partition's log end offset
	 * @param owner the client id of the member that owns it, {@code null} if none does
	 */
	public record PartitionLag(int partition, Long committedOffset, long logEndOffset, String owner) {

		/** Records not yet consumed; empty when the group has committed nothing. */
		public Optional<Long> lag() {
			return Optional.ofNullable(this.committedOffset)
				.map((committed) -> Math.max(0, this.logEndOffset - committed));
		}

	}

}
