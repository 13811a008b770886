package io.herald.graphql.impl;

import graphql.language.BooleanValue;
import graphql.language.Directive;
import graphql.language.Document;
import graphql.language.Field;
import graphql.language.FragmentDefinition;
import graphql.language.FragmentSpread;
import graphql.language.InlineFragment;
import graphql.language.IntValue;
import graphql.language.OperationDefinition;
import graphql.language.Selection;
import graphql.language.SelectionSet;
import graphql.language.Value;
import graphql.language.VariableReference;
import io.herald.core.config.HeraldConfig;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Measures a validated operation and refuses one over a limit: depth, complexity, fields, aliases,
 * and introspection when it is off. One walk serves queries, mutations and subscriptions alike
 * (subscriptions never reach graphql-java's execution, so its instrumentations would not see them).
 */
final class OperationLimits {

  /** Multiplier of a list field's children when it has no {@code limit} argument. */
  static final int DEFAULT_LIST_SIZE = 10;

  /** What an operation costs. */
  record Measures(int depth, int complexity, int fields, int aliases) {
  }

  private final int maxDepth;
  private final int maxComplexity;
  private final int maxFields;
  private final int maxAliases;
  private final boolean introspection;

  OperationLimits(HeraldConfig config) {
    this.maxDepth = config.get(HeraldConfig.GRAPHQL_MAX_DEPTH);
    this.maxComplexity = config.get(HeraldConfig.GRAPHQL_MAX_COMPLEXITY);
    this.maxFields = config.get(HeraldConfig.GRAPHQL_MAX_FIELDS);
    this.maxAliases = config.get(HeraldConfig.GRAPHQL_MAX_ALIASES);
    this.introspection = io.herald.gateway.auth.SecurityPolicy.introspection(config);
  }

  /** @throws LimitExceeded naming the first limit the operation is over */
  Measures check(Document document, OperationDefinition operation, Map<String, Object> variables) {
    Map<String, FragmentDefinition> fragments = new HashMap<>();
    document.getDefinitionsOfType(FragmentDefinition.class).forEach(f -> fragments.put(f.getName(), f));
    Walk walk = new Walk(fragments, variables);
    int complexity = walk.selections(operation.getSelectionSet(), 1, new HashSet<>());
    Measures m = new Measures(walk.depth, complexity, walk.fields, walk.aliases);
    over("depth", m.depth(), maxDepth, HeraldConfig.GRAPHQL_MAX_DEPTH.key());
    over("complexity", m.complexity(), maxComplexity, HeraldConfig.GRAPHQL_MAX_COMPLEXITY.key());
    over("field count", m.fields(), maxFields, HeraldConfig.GRAPHQL_MAX_FIELDS.key());
    over("alias count", m.aliases(), maxAliases, HeraldConfig.GRAPHQL_MAX_ALIASES.key());
    if (!introspection && walk.introspects) {
      throw new LimitExceeded("introspection is disabled (" + HeraldConfig.GRAPHQL_INTROSPECTION.key() + ")");
    }
    return m;
  }

  private static void over(String what, int value, int limit, String key) {
    if (value > limit) {
      throw new LimitExceeded("operation " + what + " " + value + " exceeds the limit " + key + " = " + limit);
    }
  }

  /** An operation over one of the limits; the message names it. */
  static final class LimitExceeded extends RuntimeException {
    LimitExceeded(String message) {
      super(message, null, false, false);
    }
  }

  /** Whether @skip / @include leave this selection in, for literal or variable conditions. */
  static boolean included(List<Directive> directives, Map<String, Object> variables) {
    for (Directive d : directives) {
      if (d.getName().equals("skip") || d.getName().equals("include")) {
        boolean condition = d.getArgument("if") != null && truthy(d.getArgument("if").getValue(), variables);
        if (d.getName().equals("skip") == condition) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean truthy(Value<?> value, Map<String, Object> variables) {
    if (value instanceof BooleanValue b) {
      return b.isValue();
    }
    return value instanceof VariableReference ref && Boolean.TRUE.equals(variables.get(ref.getName()));
  }

  private static final class Walk {
    final Map<String, FragmentDefinition> fragments;
    final Map<String, Object> variables;
    int depth;
    int fields;
    int aliases;
    boolean introspects;

    Walk(Map<String, FragmentDefinition> fragments, Map<String, Object> variables) {
      this.fragments = fragments;
      this.variables = variables;
    }

    /** Returns the complexity of a selection set whose fields are at {@code level}. */
    int selections(SelectionSet set, int level, Set<String> visiting) {
      int complexity = 0;
      for (Selection<?> selection : set.getSelections()) {
        if (selection instanceof Field field) {
          if (!included(field.getDirectives(), variables)) {
            continue;
          }
          if (field.getName().equals("__schema") || field.getName().equals("__type")) {
            // Introspection is inherently deep (GraphiQL's own query is 15 levels): it is not measured
            // against the limits, only refused when off. graphql-java's good-faith introspection check
            // bounds its abuse.
            introspects = true;
            continue;
          }
          fields++;
          depth = Math.max(depth, level);
          if (field.getAlias() != null) {
            aliases++;
          }
          int children = field.getSelectionSet() == null ? 0 : selections(field.getSelectionSet(), level + 1, visiting);
          complexity += 1 + children * multiplier(field);
        } else if (selection instanceof InlineFragment inline) {
          if (included(inline.getDirectives(), variables)) {
            complexity += selections(inline.getSelectionSet(), level, visiting);
          }
        } else if (selection instanceof FragmentSpread spread) {
          FragmentDefinition fragment = fragments.get(spread.getName());
          if (fragment != null && included(spread.getDirectives(), variables) && visiting.add(spread.getName())) {
            complexity += selections(fragment.getSelectionSet(), level, visiting);
            visiting.remove(spread.getName());
          }
        }
      }
      return complexity;
    }

    /** A field with a {@code limit} argument returns up to that many items, each costing its children. */
    private int multiplier(Field field) {
      Value<?> limit = field.getArguments().stream().filter(a -> a.getName().equals("limit"))
          .map(a -> (Value<?>) a.getValue()).findFirst().orElse(null);
      if (limit == null) {
        return field.getSelectionSet() != null && LIST_FIELDS.contains(field.getName()) ? DEFAULT_LIST_SIZE : 1;
      }
      Object value = limit instanceof VariableReference ref ? variables.get(ref.getName())
          : limit instanceof IntValue i ? i.getValue().intValue() : null;
      return value instanceof Number n ? (int) Math.max(1, Math.min(n.longValue(), 100_000)) : DEFAULT_LIST_SIZE;
    }
  }

  /** The schema's list fields (Query.channels, history, presence). */
  private static final Set<String> LIST_FIELDS = Set.of("channels", "history", "presence");
}
