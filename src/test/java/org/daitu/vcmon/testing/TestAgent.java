package org.daitu.vcmon.testing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.function.UnaryOperator;
import org.daitu.vcmon.Assembly;
import org.daitu.vcmon.app.Agent;
import org.daitu.vcmon.app.AgentParts;
import org.daitu.vcmon.config.AgentConfig;

/** Starts an agent for a test: the real parts the composition root would build, or given ones. */
public final class TestAgent {
  private TestAgent() {}

  /** A started agent and a client of its API; {@link #close} stops the agent. */
  public record Running(Agent agent, ApiClient api) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      Await.await(agent.stop());
    }
  }

  /** The real store, probes and channels of the config, on the system clock. */
  public static Future<Agent> start(Vertx vertx, AgentConfig cfg) {
    return start(vertx, cfg, Clock.systemUTC());
  }

  /** The real store, probes and channels of the config, stamped by {@code clock}. */
  public static Future<Agent> start(Vertx vertx, AgentConfig cfg, Clock clock) {
    return start(vertx, cfg, Assembly.real(vertx, cfg, clock, UnaryOperator.identity()));
  }

  /** Given parts (fakes or real), as an agent started from its config file. */
  public static Future<Agent> start(Vertx vertx, AgentConfig cfg, AgentParts parts) {
    return Agent.start(vertx, cfg, parts, Agent.Mode.AGENT);
  }

  /** Starts the real agent of the config from a test thread and waits until it listens. */
  public static Running running(Vertx vertx, AgentConfig cfg) throws Exception {
    return running(vertx, cfg, Clock.systemUTC());
  }

  public static Running running(Vertx vertx, AgentConfig cfg, Clock clock) throws Exception {
    Agent agent = Await.await(start(vertx, cfg, clock));
    return new Running(agent, new ApiClient(agent.httpPort()));
  }
}
