package io.redgrid.command.family;

import static io.redgrid.command.Arity.atLeast;
import static io.redgrid.command.Arity.exactly;
import static io.redgrid.command.CommandSpec.command;
import static io.redgrid.command.Flag.FAST;
import static io.redgrid.command.Flag.LOADING;
import static io.redgrid.command.Flag.NOSCRIPT;
import static io.redgrid.command.Flag.PUBSUB;
import static io.redgrid.command.Flag.STALE;

import io.redgrid.command.Call;
import io.redgrid.command.CommandError;
import io.redgrid.command.CommandFamily;
import io.redgrid.command.CommandSpec;
import io.redgrid.command.KeySpec;
import io.redgrid.protocol.Reply;
import io.redgrid.pubsub.Channel;
import io.redgrid.pubsub.PubSubRegistry;
import io.redgrid.pubsub.Subscriptions;
import io.redgrid.pubsub.Subscriptions.Kind;
import io.redgrid.server.ClientSession;
import java.util.ArrayList;
import java.util.List;

/**
 * Pub/Sub (Redis 7.0 pubsub.c): all run with the connection against the node's
 * {@link PubSubRegistry}. (Un)subscribe confirmations are pushes, one per channel, so the
 * handlers push them and return no reply of their own.
 */
public final class PubSubCommands implements CommandFamily {
  private static final Reply SUBSCRIBE = Reply.bulk("subscribe");
  private static final Reply UNSUBSCRIBE = Reply.bulk("unsubscribe");
  private static final Reply PSUBSCRIBE = Reply.bulk("psubscribe");
  private static final Reply PUNSUBSCRIBE = Reply.bulk("punsubscribe");
  private static final Reply SSUBSCRIBE = Reply.bulk("ssubscribe");
  private static final Reply SUNSUBSCRIBE = Reply.bulk("sunsubscribe");

  private static final List<String> HELP = List.of(
      "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CHANNELS [<pattern>]",
      "    Return the currently active channels matching a <pattern> (default: '*').",
      "NUMPAT",
      "    Return number of subscriptions to patterns.",
      "NUMSUB [<channel> ...]",
      "    Return the number of subscribers for the specified channels, excluding",
      "    pattern subscriptions(default: no channels).",
      "SHARDCHANNELS [<pattern>]",
      "    Return the currently active shard level channels matching a <pattern> (default: '*').",
      "SHARDNUMSUB [<shardchannel> ...]",
      "    Return the number of subscribers for the specified shard level channel(s)",
      "HELP",
      "    Prints this help.");

  @Override
  public List<CommandSpec> commands() {
    return List.of(
        command("subscribe").arity(atLeast(2)).flags(PUBSUB, NOSCRIPT, LOADING, STALE).group("pubsub")
            .summary("Listens for messages published to channels.").since("2.0.0")
            .complexity("O(N) where N is the number of channels to subscribe to.")
            .runs(call -> subscribe(call, Kind.CHANNEL, SUBSCRIBE)),
        command("unsubscribe").arity(atLeast(1)).flags(PUBSUB, NOSCRIPT, LOADING, STALE).group("pubsub")
            .summary("Stops listening to messages posted to channels.").since("2.0.0")
            .complexity("O(N) where N is the number of channels to unsubscribe.")
            .runs(call -> unsubscribe(call, Kind.CHANNEL, UNSUBSCRIBE)),
        command("psubscribe").arity(atLeast(2)).flags(PUBSUB, NOSCRIPT, LOADING, STALE).group("pubsub")
            .summary("Listens for messages published to channels that match one or more patterns.")
            .since("2.0.0").complexity("O(N) where N is the number of patterns to subscribe to.")
            .runs(call -> subscribe(call, Kind.PATTERN, PSUBSCRIBE)),
        command("punsubscribe").arity(atLeast(1)).flags(PUBSUB, NOSCRIPT, LOADING, STALE).group("pubsub")
            .summary("Stops listening to messages published to channels that match one or more patterns.")
            .since("2.0.0").complexity("O(N) where N is the number of patterns to unsubscribe.")
            .runs(call -> unsubscribe(call, Kind.PATTERN, PUNSUBSCRIBE)),
        command("publish").arity(exactly(3)).flags(PUBSUB, LOADING, STALE, FAST).group("pubsub")
            .summary("Posts a message to a channel.").since("2.0.0")
            .complexity("O(N+M) where N is the number of clients subscribed to the receiving channel "
                + "and M is the total number of subscribed patterns (by any client).")
            .runs(call -> Reply.integer(registry(call).publish(call.arg(1), call.arg(2)))),
        // Shard channels are keys for cluster slot routing (flag not_key), but run here.
        command("ssubscribe").arity(atLeast(2)).flags(PUBSUB, NOSCRIPT, LOADING, STALE).group("pubsub")
            .keys(KeySpec.every(1, -1, 1)).keyFlags("not_key").onConnection()
            .summary("Listens for messages published to shard channels.").since("7.0.0")
            .complexity("O(N) where N is the number of shard channels to subscribe to.")
            .runs(call -> subscribe(call, Kind.SHARD, SSUBSCRIBE)),
        command("sunsubscribe").arity(atLeast(1)).flags(PUBSUB, NOSCRIPT, LOADING, STALE).group("pubsub")
            .keys(KeySpec.every(1, -1, 1)).keyFlags("not_key").onConnection()
            .summary("Stops listening to messages posted to shard channels.").since("7.0.0")
            .complexity("O(N) where N is the number of shard channels to unsubscribe.")
            .runs(call -> unsubscribe(call, Kind.SHARD, SUNSUBSCRIBE)),
        command("spublish").arity(exactly(3)).flags(PUBSUB, LOADING, STALE, FAST).group("pubsub")
            .keys(KeySpec.single(1)).keyFlags("not_key").onConnection()
            .summary("Post a message to a shard channel").since("7.0.0")
            .complexity("O(N) where N is the number of clients subscribed to the receiving shard channel.")
            .runs(call -> Reply.integer(registry(call).spublish(call.arg(1), call.arg(2)))),
        command("pubsub").arity(atLeast(2)).group("pubsub")
            .summary("A container for Pub/Sub commands.").since("2.8.0")
            .complexity("Depends on subcommand.")
            .subcommands(
                command("channels").arity(atLeast(2)).flags(PUBSUB, LOADING, STALE)
                    .summary("Returns the active channels.").since("2.8.0")
                    .complexity("O(N) where N is the number of active channels, and assuming constant "
                        + "time pattern matching (relatively short channels and patterns)")
                    .runs(call -> names(call, Kind.CHANNEL)),
                command("numsub").arity(atLeast(2)).flags(PUBSUB, LOADING, STALE)
                    .summary("Returns a count of subscribers to channels.").since("2.8.0")
                    .complexity("O(N) for the NUMSUB subcommand, where N is the number of requested channels")
                    .runs(call -> numsub(call, Kind.CHANNEL)),
                command("numpat").arity(exactly(2)).flags(PUBSUB, LOADING, STALE)
                    .summary("Returns a count of unique pattern subscriptions.").since("2.8.0")
                    .complexity("O(1)")
                    .runs(call -> Reply.integer(registry(call).patternCount())),
                command("shardchannels").arity(atLeast(2)).flags(PUBSUB, LOADING, STALE)
                    .summary("Returns the active shard channels.").since("7.0.0")
                    .complexity("O(N) where N is the number of active shard channels, and assuming "
                        + "constant time pattern matching (relatively short shard channels).")
                    .runs(call -> names(call, Kind.SHARD)),
                command("shardnumsub").arity(atLeast(2)).flags(PUBSUB, LOADING, STALE)
                    .summary("Returns the count of subscribers of shard channels.").since("7.0.0")
                    .complexity("O(N) for the SHARDNUMSUB subcommand, where N is the number of "
                        + "requested shard channels")
                    .runs(call -> numsub(call, Kind.SHARD)),
                command("help").arity(exactly(2)).flags(LOADING, STALE)
                    .summary("Returns helpful text about the different subcommands.").since("6.2.0")
                    .complexity("O(1)").runs(call -> ConnectionCommands.help(HELP))));
  }

  private static PubSubRegistry registry(Call call) {
    PubSubRegistry registry = call.server() == null ? null : call.server().pubsub();
    if (registry == null) {
      throw new CommandError("ERR Pub/Sub is not available");
    }
    return registry;
  }

  /** (P|S)SUBSCRIBE name...: one confirmation per name with the count after it. */
  private Reply subscribe(Call call, Kind kind, Reply verb) {
    PubSubRegistry registry = registry(call);
    ClientSession session = call.session();
    for (int i = 1; i < call.argc(); i++) {
      registry.subscribe(session, kind, call.arg(i));
      session.push(confirmation(verb, Reply.bulk(call.arg(i)), session.subscriptions(), kind));
    }
    return null;
  }

  /**
   * (P|S)UNSUBSCRIBE [name...]: without names, from everything in that namespace; with nothing
   * to leave, one confirmation with a null name.
   */
  private Reply unsubscribe(Call call, Kind kind, Reply verb) {
    PubSubRegistry registry = registry(call);
    ClientSession session = call.session();
    List<byte[]> names = new ArrayList<>();
    if (call.argc() > 1) {
      for (int i = 1; i < call.argc(); i++) {
        names.add(call.arg(i));
      }
    } else {
      for (Channel channel : session.subscriptions().list(kind)) {
        names.add(channel.bytes());
      }
      if (names.isEmpty()) {
        session.push(confirmation(verb, Reply.NULL, session.subscriptions(), kind));
        return null;
      }
    }
    for (byte[] name : names) {
      registry.unsubscribe(session, kind, name);
      session.push(confirmation(verb, Reply.bulk(name), session.subscriptions(), kind));
    }
    return null;
  }

  private static Reply confirmation(Reply verb, Reply name, Subscriptions subscriptions, Kind kind) {
    int count = kind == Kind.SHARD ? subscriptions.shardChannels() : subscriptions.count();
    return Reply.push(List.of(verb, name, Reply.integer(count)));
  }

  /** PUBSUB CHANNELS|SHARDCHANNELS [pattern] */
  private Reply names(Call call, Kind kind) {
    if (call.argc() > 3) {
      throw new CommandError("ERR unknown subcommand or wrong number of arguments for '"
          + call.text(1) + "'. Try PUBSUB HELP.");
    }
    byte[] pattern = call.argc() == 3 ? call.arg(2) : null;
    List<Reply> items = new ArrayList<>();
    for (byte[] name : registry(call).names(kind, pattern)) {
      items.add(Reply.bulk(name));
    }
    return Reply.array(items);
  }

  /** PUBSUB NUMSUB|SHARDNUMSUB [name...]: a flat name, count list (an array in RESP3 too). */
  private Reply numsub(Call call, Kind kind) {
    PubSubRegistry registry = registry(call);
    List<Reply> items = new ArrayList<>();
    for (int i = 2; i < call.argc(); i++) {
      items.add(Reply.bulk(call.arg(i)));
      items.add(Reply.integer(registry.subscribers(kind, call.arg(i))));
    }
    return Reply.array(items);
  }
}
