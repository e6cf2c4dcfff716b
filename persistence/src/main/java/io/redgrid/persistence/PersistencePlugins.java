package io.redgrid.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

/** Akka configuration defaults of RedGrid's persistence plugins. */
public final class PersistencePlugins {
  /** Config path of the AOF journal plugin. */
  public static final String AOF_JOURNAL = "redgrid.aof-journal";
  /** Config path of the RDB snapshot store plugin. */
  public static final String RDB_SNAPSHOT_STORE = "redgrid.rdb-snapshot-store";

  private PersistencePlugins() {}

  /** The plugins' defaults; a node uses them as a fallback below its own settings. */
  public static Config akkaDefaults() {
    return ConfigFactory.parseResources(PersistencePlugins.class, "/redgrid-persistence.conf");
  }
}
