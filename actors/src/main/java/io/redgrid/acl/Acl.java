package io.redgrid.acl;

import io.redgrid.command.CommandSpec;
import io.redgrid.command.CommandTable;
import io.redgrid.config.ConfigException;
import io.redgrid.config.ServerConfig;
import io.redgrid.server.ClientSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;

/**
 * The node's ACL users (Redis' Users rax): the default user, requirepass, {@code user} lines of
 * the config file and the aclfile, and the checks a connection makes before running a command.
 */
public final class Acl {
  public static final String NOAUTH = "NOAUTH Authentication required.";
  public static final String WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";
  private static final byte[] REDACTED = "(redacted)".getBytes(StandardCharsets.US_ASCII);

  private final AclCommandIndex index;
  private final ServerConfig config;
  private final Map<String, AclUser> users = new ConcurrentSkipListMap<>();
  private volatile AclUser defaultUser;
  private final AclLog log = new AclLog();

  public Acl(ServerConfig config, CommandTable table) throws ConfigException {
    this.index = new AclCommandIndex(table);
    this.config = config;
    defaultUser = createDefault();
    users.put("default", defaultUser);
    // As Redis: requirepass is applied while the config is read, user lines and the aclfile
    // after it, so they may redefine the default user.
    String requirepass = config.get("requirepass");
    if (requirepass != null && !requirepass.isEmpty()) {
      updateRequirePass(requirepass);
    }
    for (List<String> line : config.userLines()) {
      if (line.isEmpty()) {
        throw new ConfigException("Error in user declaration: missing username");
      }
      try {
        setUser(line.get(0), line.subList(1, line.size()), true);
      } catch (AclException e) {
        throw new ConfigException("Error in user declaration '" + line.get(0) + "': " + e.getMessage());
      }
    }
    String aclFile = config.get("aclfile");
    if (aclFile != null && !aclFile.isEmpty()) {
      if (!config.userLines().isEmpty()) {
        throw new ConfigException("Configuring Redis with users defined in redis.conf and at the same"
            + " setting an ACL file path is invalid. This setup is very likely to lead to configuration"
            + " errors and security holes, please define either an ACL file or declare users directly"
            + " in your redis.conf, but not both.");
      }
      String errors = load(true);
      if (errors != null) {
        throw new ConfigException(errors);
      }
    }
    config.onChange(changes -> {
      if (changes.containsKey("requirepass")) {
        updateRequirePass(changes.get("requirepass"));
      }
    });
  }

  private AclUser createDefault() {
    AclUser user = new AclUser("default", index);
    applyOrFail(user, List.of("on", "nopass", "~*", "&*", "+@all"));
    return user;
  }

  private synchronized void applyOrFail(AclUser user, List<String> ops) {
    try {
      AclUser.Rules rules = user.rules().copy();
      for (String op : ops) {
        rules.apply(op, index);
      }
      user.publish(rules);
    } catch (AclException e) {
      throw new IllegalStateException(e);
    }
  }

  /** requirepass is the default user's password (Redis' ACLUpdateDefaultUserPassword). */
  private void updateRequirePass(String password) {
    if (password == null) {
      return;
    }
    applyOrFail(defaultUser, password.isEmpty() ? List.of("resetpass", "nopass")
        : List.of("resetpass", ">" + password));
  }

  public AclCommandIndex index() {
    return index;
  }

  public AclLog log() {
    return log;
  }

  public int logMaxLength() {
    String value = config.get("acllog-max-len");
    return value == null ? 128 : (int) Math.min(Integer.MAX_VALUE, Long.parseLong(value));
  }

  public AclUser user(String name) {
    return users.get(name);
  }

  public AclUser defaultUser() {
    return defaultUser;
  }

  /** Every user, sorted by name as Redis' rax lists them. */
  public Collection<AclUser> users() {
    return List.copyOf(users.values());
  }

  /** A new connection: the default user, authenticated when it needs no password (Redis' clientSetDefaultAuth). */
  public void connected(ClientSession session) {
    AclUser user = defaultUser;
    session.aclUser(user);
    session.authenticated(user.rules().nopass && user.enabled());
  }

  private AclUser userOf(ClientSession session) {
    AclUser user = session.aclUser();
    return user == null ? defaultUser : user;
  }

  /** The fast path: nothing can deny this client anything (no allocation, two field reads). */
  public boolean permitsAll(ClientSession session) {
    AclUser user = session.aclUser();
    return session.authenticated() && (user == null ? defaultUser : user).unrestricted();
  }

  /**
   * NOAUTH and NOPERM as Redis' processCommand: the error reply text, or null if the command
   * may run. Denials go to the ACL LOG with the client's CLIENT LIST line.
   */
  public String check(ClientSession session, CommandSpec spec, byte[][] argv, long now,
      Supplier<String> clientInfo) {
    return check(session, spec, argv, now, clientInfo, "toplevel");
  }

  /** As the other check; {@code context} is what ACL LOG shows (lua for a script's commands). */
  public String check(ClientSession session, CommandSpec spec, byte[][] argv, long now,
      Supplier<String> clientInfo, String context) {
    if (!session.authenticated() && authRequired() && !spec.has(io.redgrid.command.Flag.NO_AUTH)) {
      return NOAUTH;
    }
    AclUser user = userOf(session);
    if (user.unrestricted()) {
      return null;
    }
    int[] position = new int[1];
    int denied = check(user, spec, argv, position);
    if (denied == AclSelector.OK) {
      return null;
    }
    String reason;
    String object;
    String error;
    switch (denied) {
      case AclSelector.DENIED_KEY -> {
        reason = "key";
        object = new String(argv[position[0]], StandardCharsets.UTF_8);
        error = "NOPERM this user has no permissions to access one of the keys used as arguments";
      }
      case AclSelector.DENIED_CHANNEL -> {
        reason = "channel";
        object = new String(argv[position[0]], StandardCharsets.UTF_8);
        error = "NOPERM this user has no permissions to access one of the channels used as arguments";
      }
      default -> {
        reason = "command";
        object = spec.fullName();
        error = "NOPERM this user has no permissions to run the '" + spec.fullName() + "' command";
      }
    }
    log.add(reason, context, object, user.name(), now, clientInfo.get(), logMaxLength());
    return error;
  }

  /** AUTH with a password only: Redis refuses it while the default user is nopass. */
  public boolean authRequiredByPassword() {
    return !defaultUser.rules().nopass;
  }

  /** Whether clients must authenticate: the default user has a password or is off. */
  public boolean authRequired() {
    AclUser user = defaultUser;
    return !user.rules().nopass || !user.enabled();
  }

  /** Redis' ACLCheckAllUserCommandPerm: OK if any selector allows, else the most relevant denial. */
  int check(AclUser user, CommandSpec spec, byte[][] argv, int[] position) {
    int id = index.id(spec);
    if (id < 0) {
      return AclSelector.OK;
    }
    AclUser.Rules rules = user.rules();
    int relevant = AclSelector.DENIED_COMMAND;
    int relevantPosition = 0;
    for (int i = -1; i < rules.selectors.size(); i++) {
      AclSelector selector = i < 0 ? rules.root : rules.selectors.get(i);
      int result = selector.check(id, spec, argv, position);
      if (result == AclSelector.OK) {
        return AclSelector.OK;
      }
      if (result > relevant) {
        relevant = result;
        relevantPosition = position[0];
      }
    }
    position[0] = relevantPosition;
    return relevant;
  }

  /** ACL DRYRUN's answer: null if allowed, else Redis' sentence for the denial. */
  public String dryRun(AclUser user, CommandSpec spec, byte[][] argv) {
    int[] position = new int[1];
    return switch (check(user, spec, argv, position)) {
      case AclSelector.OK -> null;
      case AclSelector.DENIED_KEY -> "This user has no permissions to access the '"
          + new String(argv[position[0]], StandardCharsets.UTF_8) + "' key";
      case AclSelector.DENIED_CHANNEL -> "This user has no permissions to access the '"
          + new String(argv[position[0]], StandardCharsets.UTF_8) + "' channel";
      default -> "This user has no permissions to run the '" + spec.fullName() + "' command";
    };
  }

  /**
   * AUTH / HELLO AUTH: logs the client in as {@code username} if the password opens it; a
   * failure is logged (reason auth). Passwords are compared as SHA-256 in constant time.
   */
  public boolean authenticate(ClientSession session, String username, byte[] password, String command,
      long now, Supplier<String> clientInfo) {
    AclUser user = users.get(username);
    if (user != null && user.accepts(password)) {
      session.aclUser(user);
      session.authenticated(true);
      return true;
    }
    log.add("auth", command, username, now, clientInfo.get(), logMaxLength());
    return false;
  }

  /** Usernames Redis refuses. */
  public static boolean validName(String name) {
    return !AclSelector.hasSpaces(name);
  }

  /**
   * ACL SETUSER: creates the user if needed and applies the rules all or nothing; the
   * exception's message is Redis' reply text without the "ERR ".
   */
  public AclUser setUser(String name, List<String> ops) throws AclException {
    return setUser(name, ops, false);
  }

  /**
   * Start-up errors are logged: a failing password rule is shown as {@code (redacted)} there,
   * while replies echo it as Redis does.
   */
  private static String shown(String op, boolean forLog) {
    return forLog && !op.isEmpty() && "<>#!".indexOf(op.charAt(0)) >= 0 ? "(redacted)" : op;
  }

  private synchronized AclUser setUser(String name, List<String> ops, boolean forLog) throws AclException {
    if (!validName(name)) {
      throw new AclException("Usernames can't contain spaces or null characters");
    }
    List<String> merged = mergeSelectors(ops);
    AclUser existing = users.get(name);
    AclUser user = existing != null ? existing : newUser(name);
    AclUser.Rules rules = user.rules().copy();
    rules.allChannelsByDefault = allChannelsByDefault();
    for (String op : merged) {
      try {
        rules.apply(op, index);
      } catch (AclException e) {
        throw new AclException("Error in ACL SETUSER modifier '" + shown(op, forLog) + "': " + e.getMessage());
      }
    }
    user.publish(rules);
    if (existing == null) {
      users.put(name, user);
    }
    return user;
  }

  private AclUser newUser(String name) {
    AclUser user = new AclUser(name, index);
    if (allChannelsByDefault()) {
      applyOrFail(user, List.of("allchannels"));
    }
    return user;
  }

  private boolean allChannelsByDefault() {
    return "allchannels".equals(config.get("acl-pubsub-default"));
  }

  /** Joins {@code (a b)} split over several arguments; Redis' ACLMergeSelectorArguments. */
  static List<String> mergeSelectors(List<String> ops) throws AclException {
    List<String> merged = new ArrayList<>();
    StringBuilder selector = null;
    String start = null;
    for (String op : ops) {
      if (selector == null && op.startsWith("(") && !op.endsWith(")")) {
        selector = new StringBuilder(op);
        start = op;
      } else if (selector != null) {
        selector.append(' ').append(op);
        if (op.endsWith(")")) {
          merged.add(selector.toString());
          selector = null;
        }
      } else {
        merged.add(op);
      }
    }
    if (selector != null) {
      throw new AclException("Unmatched parenthesis in acl selector starting at '" + start + "'.");
    }
    return merged;
  }

  /** ACL DELUSER of one user; false if there is none. The default user cannot go. */
  public synchronized AclUser deleteUser(String name) {
    return users.remove(name);
  }

  /** Lines ACL SAVE writes: ACL LIST. */
  public List<String> describeAll() {
    List<String> lines = new ArrayList<>();
    for (AclUser user : users.values()) {
      lines.add(user.describe());
    }
    return lines;
  }

  /** The aclfile path, or null when none is configured. */
  public Path aclFile() {
    String file = config.get("aclfile");
    // Redis has changed into dir when it reads the aclfile: a relative path is under dir.
    return file == null || file.isEmpty() ? null : config.dir().resolve(file);
  }

  /** ACL SAVE: every user to the aclfile, whole or not at all. */
  public synchronized void save() throws IOException {
    byte[] text = (String.join("\n", describeAll()) + "\n").getBytes(StandardCharsets.UTF_8);
    io.redgrid.files.AtomicFiles.write(aclFile(), out -> out.write(text));
  }

  /**
   * ACL LOAD: replaces every user with the aclfile's, all or nothing; returns Redis' error
   * text, or null on success. Users other than default are new objects, so connections
   * authenticated as the old ones can be told apart (and closed, as Redis does).
   */
  public String load() {
    return load(false);
  }

  private synchronized String load(boolean forLog) {
    Path file = aclFile();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "Error loading ACLs, opening file '" + file + "': " + e.getMessage();
    }
    Map<String, AclUser> loaded = new java.util.TreeMap<>();
    StringBuilder errors = new StringBuilder();
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] words = line.split(" +");
      if (!words[0].equals("user") || words.length < 2) {
        errors.append(file).append(':').append(n + 1)
            .append(" should start with user keyword followed by the username. ");
        continue;
      }
      String name = words[1];
      if (!validName(name)) {
        errors.append(file).append(':').append(n + 1).append(": Usernames can't contain spaces or null characters. ");
        continue;
      }
      if (loaded.containsKey(name)) {
        errors.append("WARNING: Duplicate user '").append(name).append("' found on line ").append(n + 1).append(". ");
        continue;
      }
      AclUser user = name.equals("default") ? new AclUser(name, index) : newUser(name);
      try {
        AclUser.Rules rules = user.rules().copy();
        rules.allChannelsByDefault = allChannelsByDefault();
        for (String op : mergeSelectors(List.of(words).subList(2, words.length))) {
          try {
            rules.apply(op, index);
          } catch (AclException e) {
            throw new AclException("Error in applying operation '" + shown(op, forLog) + "': " + e.getMessage());
          }
        }
        user.publish(rules);
        loaded.put(name, user);
      } catch (AclException e) {
        errors.append(file).append(':').append(n + 1).append(": ").append(e.getMessage()).append(". ");
      }
    }
    if (errors.length() > 0) {
      return errors.append("WARNING: ACL errors detected, no change to the previously active ACL rules was performed")
          .toString();
    }
    AclUser loadedDefault = loaded.remove("default");
    defaultUser.publish(loadedDefault != null ? loadedDefault.rules() : createDefault().rules());
    users.keySet().removeIf(name -> !name.equals("default"));
    users.putAll(loaded);
    return null;
  }

  /**
   * MONITOR and SLOWLOG show these arguments as {@code (redacted)}: AUTH's, HELLO's AUTH pair,
   * ACL SETUSER's rules and CONFIG SET requirepass' value. Returns argv itself when nothing is
   * secret.
   */
  public static byte[][] redacted(CommandSpec spec, byte[][] argv) {
    String name = spec.fullName();
    byte[][] copy = null;
    switch (name) {
      case "auth" -> {
        copy = argv.clone();
        for (int i = 1; i < copy.length; i++) {
          copy[i] = REDACTED;
        }
      }
      case "hello" -> {
        for (int i = 2; i + 2 < argv.length; i++) {
          if (io.redgrid.command.Call.equalsIgnoreCase(argv[i], "AUTH")) {
            copy = argv.clone();
            copy[i + 1] = REDACTED;
            copy[i + 2] = REDACTED;
            break;
          }
        }
      }
      case "acl|setuser" -> {
        copy = argv.clone();
        for (int i = 3; i < copy.length; i++) {
          copy[i] = REDACTED;
        }
      }
      case "config|set" -> {
        for (int i = 2; i + 1 < argv.length; i += 2) {
          if (io.redgrid.command.Call.equalsIgnoreCase(argv[i], "REQUIREPASS")) {
            if (copy == null) {
              copy = argv.clone();
            }
            copy[i + 1] = REDACTED;
          }
        }
      }
      default -> { }
    }
    return copy == null ? argv : copy;
  }

  /** Whether {@link #redacted} would hide anything of this command (a cheap pre-check). */
  public static boolean redacts(CommandSpec spec) {
    return switch (spec.fullName()) {
      case "auth", "hello", "acl|setuser", "config|set" -> true;
      default -> false;
    };
  }

  /** ACL CAT category: the commands and subcommands in it, or null for an unknown category. */
  public List<String> commandsIn(String category) {
    int c = AclCommandIndex.category(category);
    if (c < 0) {
      return null;
    }
    List<String> names = new ArrayList<>();
    for (int id = 0; id < index.size(); id++) {
      if (index.inCategory(id, c)) {
        names.add(index.spec(id).fullName());
      }
    }
    return names;
  }

  /**
   * Whether the client's current subscriptions are still allowed to its user (Redis'
   * ACLKillPubsubClientsIfNeeded closes the ones that are not after ACL SETUSER).
   */
  public boolean subscriptionsAllowed(ClientSession session) {
    AclUser user = userOf(session);
    if (user.unrestricted() || !session.subscriptions().active()) {
      return true;
    }
    io.redgrid.pubsub.Subscriptions subscriptions = session.subscriptions();
    for (io.redgrid.pubsub.Subscriptions.Kind kind : io.redgrid.pubsub.Subscriptions.Kind.values()) {
      boolean patterns = kind == io.redgrid.pubsub.Subscriptions.Kind.PATTERN;
      for (io.redgrid.pubsub.Channel channel : subscriptions.list(kind)) {
        if (!channelAllowed(user, channel.bytes(), patterns)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean channelAllowed(AclUser user, byte[] channel, boolean pattern) {
    AclUser.Rules rules = user.rules();
    if (rules.root.channelAllowed(channel, pattern)) {
      return true;
    }
    for (AclSelector selector : rules.selectors) {
      if (selector.channelAllowed(channel, pattern)) {
        return true;
      }
    }
    return false;
  }
}
