package io.redgrid.command;

/** How many arguments (command name included) a command takes, in Redis' signed form. */
public record Arity(int redisArity) {
  public static Arity exactly(int count) {
    return new Arity(count);
  }

  public static Arity atLeast(int count) {
    return new Arity(-count);
  }

  public boolean accepts(int argc) {
    return redisArity >= 0 ? argc == redisArity : argc >= -redisArity;
  }
}
