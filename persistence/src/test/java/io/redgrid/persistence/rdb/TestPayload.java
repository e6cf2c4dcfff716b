package io.redgrid.persistence.rdb;

import akka.actor.ActorRef;

/** A snapshot holding an actor reference: only serializable with Akka's transport information set (TCK capability). */
public record TestPayload(ActorRef ref) {}
