package io.herald.graphql.impl;

import graphql.GraphQLContext;
import graphql.execution.CoercedVariables;
import graphql.language.ArrayValue;
import graphql.language.BooleanValue;
import graphql.language.FloatValue;
import graphql.language.IntValue;
import graphql.language.NullValue;
import graphql.language.ObjectField;
import graphql.language.ObjectValue;
import graphql.language.StringValue;
import graphql.language.Value;
import graphql.language.VariableReference;
import graphql.schema.Coercing;
import graphql.schema.CoercingParseLiteralException;
import graphql.schema.CoercingParseValueException;
import graphql.schema.CoercingSerializeException;
import graphql.schema.GraphQLScalarType;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The schema's custom scalars: {@code JSON} (any value, untouched) and {@code Long} (64-bit integer). */
final class Scalars {

  private Scalars() {
  }

  static final GraphQLScalarType JSON = GraphQLScalarType.newScalar().name("JSON")
      .description("Any JSON value, carried untouched.")
      .coercing(new Coercing<Object, Object>() {
        @Override
        public Object serialize(Object value, GraphQLContext context, Locale locale) {
          return value;
        }

        @Override
        public Object parseValue(Object input, GraphQLContext context, Locale locale) {
          return input;
        }

        @Override
        public Object parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
          return literal(input, variables);
        }
      }).build();

  static final GraphQLScalarType LONG = GraphQLScalarType.newScalar().name("Long")
      .description("A 64-bit integer, serialized as a JSON number.")
      .coercing(new Coercing<Long, Long>() {
        @Override
        public Long serialize(Object value, GraphQLContext context, Locale locale) {
          if (value instanceof Long || value instanceof Integer) {
            return ((Number) value).longValue();
          }
          throw new CoercingSerializeException("not a 64-bit integer: " + value);
        }

        @Override
        public Long parseValue(Object input, GraphQLContext context, Locale locale) {
          if (input instanceof Long || input instanceof Integer || input instanceof Short) {
            return ((Number) input).longValue();
          }
          if (input instanceof BigInteger b && b.bitLength() < 64) {
            return b.longValue();
          }
          throw new CoercingParseValueException("Long expects a 64-bit integer, got " + input);
        }

        @Override
        public Long parseLiteral(Value<?> input, CoercedVariables variables, GraphQLContext context, Locale locale) {
          if (input instanceof IntValue i && i.getValue().bitLength() < 64) {
            return i.getValue().longValue();
          }
          throw new CoercingParseLiteralException("Long expects a 64-bit integer literal");
        }
      }).build();

  /** A JSON literal written in GraphQL syntax (objects, lists, scalars, variables) as a plain Java value. */
  private static Object literal(Value<?> value, CoercedVariables variables) {
    if (value instanceof NullValue) {
      return null;
    } else if (value instanceof StringValue s) {
      return s.getValue();
    } else if (value instanceof BooleanValue b) {
      return b.isValue();
    } else if (value instanceof IntValue i) {
      BigInteger v = i.getValue();
      return v.bitLength() < 64 ? (Object) v.longValue() : v;
    } else if (value instanceof FloatValue f) {
      return f.getValue();
    } else if (value instanceof ArrayValue a) {
      List<Object> list = new ArrayList<>();
      a.getValues().forEach(v -> list.add(literal(v, variables)));
      return list;
    } else if (value instanceof ObjectValue o) {
      Map<String, Object> map = new LinkedHashMap<>();
      for (ObjectField field : o.getObjectFields()) {
        map.put(field.getName(), literal(field.getValue(), variables));
      }
      return map;
    } else if (value instanceof VariableReference ref) {
      return variables.get(ref.getName());
    }
    throw new CoercingParseLiteralException("not a JSON value: " + value);
  }
}
