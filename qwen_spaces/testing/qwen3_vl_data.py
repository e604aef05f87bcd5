"""Data: the /config of Hugging Face Space Qwen/Qwen3-VL-Demo (Gradio 5.27.0, modelscope_studio 1.6.1).

Recorded from the Space's reconstruction (``tests/servers/apps/qwen3_vl_demo``, with
``tests/servers/record_configs.py``): every component, dependency, layout and page exactly as
served, except that the chatbot's ``api_info`` schemas are cut down to their title and type, the
server's root URL is the placeholder ``@ROOT@`` (LocalSpace puts its own URL there) and file paths
sit in Gradio's default cache folder ``/tmp/gradio``.  ``ADD_MESSAGE_INFO_JSON`` is the
``/add_message`` entry of its ``/info`` (the chatbot's return type cut down the same way).
"""

CONFIG_JSON = r'''{
 "version": "5.27.0",
 "api_prefix": "/gradio_api",
 "mode": "blocks",
 "app_id": 7234813122227048470,
 "dev_mode": false,
 "analytics_enabled": false,
 "components": [
  {
   "id": 1,
   "type": "state",
   "props": {
    "time_to_live": null,
    "delete_callback": "<function State.__init__.<locals>.<lambda> at 0x7fb28da66480>",
    "name": "state",
    "_selectable": false
   },
   "skip_api": true,
   "component_class_id": "69665295529958584b431cbb33ed40b2f90ebb16bd093244825e371b636d3dff",
   "key": null
  },
  {
   "id": 3,
   "type": "modelscopeapplication",
   "props": {
    "_internal": {
     "layout": true
    },
    "visible": true,
    "name": "modelscopeapplication",
    "_selectable": false
   },
   "skip_api": false,
   "component_class_id": "02673b71f2003dd76c2cc3b0f6e057d81137c2cc596de04e9856584b7285342c",
   "key": null,
   "api_info": {
    "$defs": {
     "ApplicationPageScreenData": {
      "properties": {
       "width": {
        "title": "Width",
        "type": "number"
       },
       "height": {
        "title": "Height",
        "type": "number"
       },
       "scrollX": {
        "title": "Scrollx",
        "type": "number"
       },
       "scrollY": {
        "title": "Scrolly",
        "type": "number"
       }
      },
      "required": [
       "width",
       "height",
       "scrollX",
       "scrollY"
      ],
      "title": "ApplicationPageScreenData",
      "type": "object"
     }
    },
    "properties": {
     "screen": {
      "$ref": "#/$defs/ApplicationPageScreenData"
     },
     "language": {
      "title": "Language",
      "type": "string"
     },
     "theme": {
      "title": "Theme",
      "type": "string"
     },
     "userAgent": {
      "title": "Useragent",
      "type": "string"
     }
    },
    "required": [
     "screen",
     "language",
     "theme",
     "userAgent"
    ],
    "title": "ApplicationPageData",
    "type": "object",
    "additional_description": null
   },
   "api_info_as_input": {
    "$defs": {
     "ApplicationPageScreenData": {
      "properties": {
       "width": {
        "title": "Width",
        "type": "number"
       },
       "height": {
        "title": "Height",
        "type": "number"
       },
       "scrollX": {
        "title": "Scrollx",
        "type": "number"
       },
       "scrollY": {
        "title": "Scrolly",
        "type": "number"
       }
      },
      "required": [
       "width",
       "height",
       "scrollX",
       "scrollY"
      ],
      "title": "ApplicationPageScreenData",
      "type": "object"
     }
    },
    "properties": {
     "screen": {
      "$ref": "#/$defs/ApplicationPageScreenData"
     },
     "language": {
      "title": "Language",
      "type": "string"
     },
     "theme": {
      "title": "Theme",
      "type": "string"
     },
     "userAgent": {
      "title": "Useragent",
      "type": "string"
     }
    },
    "required": [
     "screen",
     "language",
     "theme",
     "userAgent"
    ],
    "title": "ApplicationPageData",
    "type": "object",
    "additional_description": null
   },
   "api_info_as_output": {
    "$defs": {
     "ApplicationPageScreenData": {
      "properties": {
       "width": {
        "title": "Width",
        "type": "number"
       },
       "height": {
        "title": "Height",
        "type": "number"
       },
       "scrollX": {
        "title": "Scrollx",
        "type": "number"
       },
       "scrollY": {
        "title": "Scrolly",
        "type": "number"
       }
      },
      "required": [
       "width",
       "height",
       "scrollX",
       "scrollY"
      ],
      "title": "ApplicationPageScreenData",
      "type": "object"
     }
    },
    "properties": {
     "screen": {
      "$ref": "#/$defs/ApplicationPageScreenData"
     },
     "language": {
      "title": "Language",
      "type": "string"
     },
     "theme": {
      "title": "Theme",
      "type": "string"
     },
     "userAgent": {
      "title": "Useragent",
      "type": "string"
     }
    },
    "required": [
     "screen",
     "language",
     "theme",
     "userAgent"
    ],
    "title": "ApplicationPageData",
    "type": "object",
    "additional_description": null
   },
   "example_inputs": {
    "screen": {
     "width": 1920,
     "height": 1080,
     "scrollX": 0,
     "scrollY": 0
    },
    "theme": "light",
    "language": "en",
    "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
   }
  },
  {
   "id": 4,
   "type": "antdxxprovider",
   "props": {
    "theme": {
     "token": {
      "colorPrimary": "#6A57FF"
     }
    },
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "name": "antdxxprovider"
   },
   "skip_api": true,
   "component_class_id": "c9049b2136d5cf937814eed176f2bef57928e2133a4c9ec2504aad3dab40c1c7",
   "key": null
  },
  {
   "id": 5,
   "type": "modelscopeautoloading",
   "props": {
    "show_timer": true,
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "name": "modelscopeautoloading"
   },
   "skip_api": true,
   "component_class_id": "24ef164f2bd08a6fc88f7937111e4f9bde96907947b5f7622bd40457ed670c6a",
   "key": null
  },
  {
   "id": 6,
   "type": "antdrow",
   "props": {
    "align": "top",
    "gutter": [
     20,
     20
    ],
    "justify": "start",
    "wrap": false,
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "elem_id": "chatbot",
    "name": "antdrow"
   },
   "skip_api": true,
   "component_class_id": "6e230cbcc126cc9ee1a45ed69fb01d61a4d82dbd0cb900ed994054fd51ba6581",
   "key": null
  },
  {
   "id": 7,
   "type": "antdcol",
   "props": {
    "offset": 0,
    "order": 1,
    "pull": 0,
    "push": 0,
    "span": 0,
    "md": {
     "flex": "0 0 260px",
     "span": 24,
     "order": 0
    },
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "elem_style": {
     "width": 0
    },
    "name": "antdcol"
   },
   "skip_api": true,
   "component_class_id": "d46105305d365388e12464148a3f6bbba4be04c03314af9a3f1ac919b9faee83",
   "key": null
  },
  {
   "id": 8,
   "type": "modelscopediv",
   "props": {
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "elem_classes": [
     "chatbot-conversations"
    ],
    "name": "modelscopediv"
   },
   "skip_api": true,
   "component_class_id": "589d973a89859cb15962c793c977a10175c66db963a0ad2451aa777578c4190e",
   "key": null
  },
  {
   "id": 9,
   "type": "antdflex",
   "props": {
    "vertical": true,
    "wrap": "nowrap",
    "justify": "normal",
    "align": "normal",
    "flex": "normal",
    "gap": "small",
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "elem_style": {
     "height": "100%"
    },
    "name": "antdflex"
   },
   "skip_api": true,
   "component_class_id": "1d87d51a9e22c6ecdcd23f10c5a9e7c2adb79da689679b333f833034aa5c086a",
   "key": null
  },
  {
   "id": 10,
   "type": "antdtypographytitle",
   "props": {
    "value": "",
    "copyable": false,
    "editable": false,
    "ellipsis": false,
    "level": 1,
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "elem_style": {
     "fontSize": 24,
     "padding": 8,
     "margin": 0
    },
    "name": "antdtypographytitle"
   },
   "skip_api": true,
   "component_class_id": "bca04c593020f8cc236d8e966adb24eece86c0ca39fdd25c4151ee78cd223092",
   "key": null
  },
  {
   "id": 11,
   "type": "antdflex",
   "props": {
    "wrap": "nowrap",
    "justify": "center",
    "align": "center",
    "flex": "normal",
    "gap": "small",
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "name": "antdflex"
   },
   "skip_api": true,
   "component_class_id": "1d87d51a9e22c6ecdcd23f10c5a9e7c2adb79da689679b333f833034aa5c086a",
   "key": null
  },
  {
   "id": 13,
   "type": "antdimage",
   "props": {
    "value": {
     "path": "/tmp/gradio/1c78b41ee601947c619bdd9651e001ecd5c6e6c080e33aa9537bfaf69c7890f0/qwen.png",
     "url": "@ROOT@/gradio_api/file=/tmp/gradio/1c78b41ee601947c619bdd9651e001ecd5c6e6c080e33aa9537bfaf69c7890f0/qwen.png",
     "size": 70,
     "orig_name": "qwen.png",
     "mime_type": null,
     "is_stream": false,
     "meta": {
      "_type": "gradio.FileData"
     }
    },
    "alt": "logo",
    "height": 24,
    "preview": false,
    "width": 24,
    "_internal": {},
    "visible": true,
    "name": "antdimage",
    "_selectable": false
   },
   "skip_api": true,
   "component_class_id": "8b0711a7223b69d1b96da97230435c52a36896ff217044622dfd6c8835ad87fb",
   "key": null
  },
  {
   "id": 14,
   "type": "modelscopespan",
   "props": {
    "value": "Qwen3-VL",
    "_internal": {
     "index": 1
    },
    "visible": true,
    "name": "modelscopespan"
   },
   "skip_api": true,
   "component_class_id": "894b6f3ed81590b8a34502a246072c9c507fc63df82efd9f5b4171558479cce8",
   "key": null
  },
  {
   "id": 15,
   "type": "antdbutton",
   "props": {
    "auto_insert_space": true,
    "block": true,
    "variant": "filled",
    "color": "primary",
    "_internal": {
     "index": 1,
     "layout": true,
     "bind_click_event": true
    },
    "visible": true,
    "name": "antdbutton"
   },
   "skip_api": true,
   "component_class_id": "a1866f143ef3a0ca42a6bc76d93bd1574dc76cf29670d6a7b706000284cee500",
   "key": null
  },
  {
   "id": 16,
   "type": "modelscopetext",
   "props": {
    "value": "New Conversation",
    "_internal": {
     "index": 0
    },
    "visible": true,
    "elem_classes": [],
    "name": "modelscopetext",
    "_selectable": false
   },
   "skip_api": true,
   "component_class_id": "b1ebc283d951ae0fa95071a2ff0a88b48fb8eea9f2de57921e8c630594101f28",
   "key": null
  },
  {
   "id": 17,
   "type": "modelscopeslot",
   "props": {
    "value": "icon",
    "skip_context_value": true,
    "_internal": {
     "index": 1,
     "layout": true
    },
    "visible": true,
    "name": "modelscopeslot"
   },
   "skip_api": true,
   "component_class_id": "54a84799414765ec89c5c695da6f68b869f2109b636867db5746356d0915faee",
   "key": null
  },
  {
   "id": 19,
   "type": "antdicon",
   "props": {
    "value": "PlusOutlined",
    "_internal": {},
    "visible": true,
    "name": "antdicon",
    "_selectable": false
   },
   "skip_api": true,
   "component_class_id": "8401f723764d68b7bd704d4b6af73dfe603e320e540d997ab14b96998eccd27f",
   "key": null
  },
  {
   "id": 20,
   "type": "antdxconversations",
   "props": {
    "_internal": {
     "index": 2,
     "layout": true,
     "bind_activeChange_event": true,
     "bind_menu_click_event": true
    },
    "visible": true,
    "elem_classes": [
     "chatbot-conversations-list"
    ],
    "name": "antdxconversations"
   },
   "skip_api": true,
   "component_class_id": "14d4fcd0e83ab23c504d8fc0a994fc2f0663d0aee03b005d078cbd3ccb477874",
   "key": null
  },
  {
   "id": 21,
   "type": "modelscopeslot",
   "props": {
    "value": "menu.items",
    "skip_context_value": true,
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "name": "modelscopeslot"
   },
   "skip_api": true,
   "component_class_id": "54a84799414765ec89c5c695da6f68b869f2109b636867db5746356d0915faee",
   "key": null
  },
  {
   "id": 22,
   "type": "antdmenuitem",
   "props": {
    "label": "Delete",
    "danger": true,
    "key": "delete",
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "name": "antdmenuitem"
   },
   "skip_api": true,
   "component_class_id": "a5dd96ea99fe05abcfb8c4e9a19ec9b8e04a989d80f1ccae3aeda06f9d43bf79",
   "key": "delete"
  },
  {
   "id": 23,
   "type": "modelscopeslot",
   "props": {
    "value": "icon",
    "skip_context_value": true,
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "name": "modelscopeslot"
   },
   "skip_api": true,
   "component_class_id": "54a84799414765ec89c5c695da6f68b869f2109b636867db5746356d0915faee",
   "key": null
  },
  {
   "id": 25,
   "type": "antdicon",
   "props": {
    "value": "DeleteOutlined",
    "_internal": {},
    "visible": true,
    "name": "antdicon",
    "_selectable": false
   },
   "skip_api": true,
   "component_class_id": "8401f723764d68b7bd704d4b6af73dfe603e320e540d997ab14b96998eccd27f",
   "key": null
  },
  {
   "id": 26,
   "type": "antdcol",
   "props": {
    "flex": 1,
    "offset": 0,
    "order": 0,
    "pull": 0,
    "push": 0,
    "_internal": {
     "index": 1,
     "layout": true
    },
    "visible": true,
    "elem_style": {
     "height": "100%"
    },
    "name": "antdcol"
   },
   "skip_api": true,
   "component_class_id": "d46105305d365388e12464148a3f6bbba4be04c03314af9a3f1ac919b9faee83",
   "key": null
  },
  {
   "id": 27,
   "type": "antdflex",
   "props": {
    "vertical": true,
    "wrap": "nowrap",
    "justify": "normal",
    "align": "normal",
    "flex": "normal",
    "gap": "small",
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "elem_classes": [
     "chatbot-chat"
    ],
    "name": "antdflex"
   },
   "skip_api": true,
   "component_class_id": "1d87d51a9e22c6ecdcd23f10c5a9e7c2adb79da689679b333f833034aa5c086a",
   "key": null
  },
  {
   "id": 29,
   "type": "modelscopeprochatbot",
   "props": {
    "value": [],
    "height": 0,
    "auto_scroll": true,
    "show_scroll_to_bottom_button": true,
    "scroll_to_bottom_button_offset": 200,
    "welcome_config": {
     "variant": "borderless",
     "icon": {
      "path": "/tmp/gradio/1c78b41ee601947c619bdd9651e001ecd5c6e6c080e33aa9537bfaf69c7890f0/qwen.png",
      "url": "@ROOT@/gradio_api/file=/tmp/gradio/1c78b41ee601947c619bdd9651e001ecd5c6e6c080e33aa9537bfaf69c7890f0/qwen.png",
      "size": null,
      "orig_name": null,
      "mime_type": null,
      "is_stream": false,
      "meta": {
       "_type": "gradio.FileData"
      }
     },
     "title": "Hello, I'm Qwen3-VL",
     "description": "Enter text and upload images or videos to get started.",
     "extra": null,
     "elem_style": null,
     "elem_classes": null,
     "styles": null,
     "class_names": null,
     "prompts": {
      "title": "How can I help you today?",
      "vertical": false,
      "wrap": false,
      "styles": {
       "list": {
        "width": "100%"
       },
       "item": {
        "flex": 1
       }
      },
      "class_names": null,
      "elem_style": null,
      "elem_classes": null,
      "items": [
       {
        "disabled": null,
        "description": null,
        "label": "🤔 Logic Reasoning",
        "icon": null,
        "key": null,
        "children": [
         {
          "urls": [
           "https://misc-assets.oss-cn-beijing.aliyuncs.com/Qwen/Qwen3-VL-Demo/r-1-1.png",
           "https://misc-assets.oss-cn-beijing.aliyuncs.com/Qwen/Qwen3-VL-Demo/r-1-2.png",
           "https://misc-assets.oss-cn-beijing.aliyuncs.com/Qwen/Qwen3-VL-Demo/r-1-3.png"
          ],
          "description": "Which one of these does the kitty seem to want to try first?"
         },
         {
          "urls": [
           "https://misc-assets.oss-cn-beijing.aliyuncs.com/Qwen/Qwen3-VL-Demo/r-2.png"
          ],
          "description": "In the circuit, the diodes are ideal and the voltage source is Vs = 4 sin(ωt) V. Find the value measured on the ammeter."
         },
         {
          "urls": [
           "https://misc-assets.oss-cn-beijing.aliyuncs.com/Qwen/Qwen3-VL-Demo/r-3.png"
          ],
          "description": "Which is the most popular Friday drink in Boston?\nAnswer the question using a single word or phrase."
         }
        ]
       },
       {
        "disabled": null,
        "description": null,
        "label": "🔍 Analysis & Reasoning",
        "icon": null,
        "key": null,
        "children": [
         {
          "urls": [
           "https://misc-assets.oss-cn-beijing.aliyuncs.com/Qwen/Qwen3-VL-Demo/c-1.png"
          ],
          "description": "Read this chart or table and explain what it shows."
         },
         {
          "urls": [
           "https://misc-assets.oss-cn-beijing.aliyuncs.com/Qwen/Qwen3-VL-Demo/c-2.png"
          ],
          "description": "From this report (or photo of a whiteboard), draw three conclusions."
         },
         {
          "urls": [
           "https://misc-assets.oss-cn-beijing.aliyuncs.com/Qwen/Qwen3-VL-Demo/c-3.png"
          ],
          "description": "Describe the process illustrated in this image step by step."
         }
        ]
       }
      ]
     }
    },
    "markdown_config": {
     "render_markdown": true,
     "latex_delimiters": [
      {
       "left": "$$",
       "right": "$$",
       "display": true
      },
      {
       "left": "$",
       "right": "$",
       "display": false
      },
      {
       "left": "\\(",
       "right": "\\)",
       "display": false
      },
      {
       "left": "\\begin{equation}",
       "right": "\\end{equation}",
       "display": true
      },
      {
       "left": "\\begin{align}",
       "right": "\\end{align}",
       "display": true
      },
      {
       "left": "\\begin{alignat}",
       "right": "\\end{alignat}",
       "display": true
      },
      {
       "left": "\\begin{gather}",
       "right": "\\end{gather}",
       "display": true
      },
      {
       "left": "\\begin{CD}",
       "right": "\\end{CD}",
       "display": true
      },
      {
       "left": "\\[",
       "right": "\\]",
       "display": true
      }
     ],
     "sanitize_html": true,
     "line_breaks": true,
     "rtl": false,
     "allow_tags": false
    },
    "user_config": {
     "actions": [
      "copy",
      "edit",
      {
       "action": "delete",
       "disabled": null,
       "tooltip": null,
       "popconfirm": {
        "title": "Delete the message",
        "description": "Are you sure to delete this message?",
        "okButtonProps": {
         "danger": true
        }
       }
      }
     ],
     "disabled_actions": null,
     "header": null,
     "footer": null,
     "avatar": null,
     "variant": null,
     "shape": null,
     "placement": "end",
     "loading": null,
     "typing": null,
     "elem_style": null,
     "elem_classes": null,
     "styles": null,
     "class_names": {
      "content": "user-message-content"
     }
    },
    "bot_config": {
     "actions": [
      "copy",
      "edit",
      {
       "action": "retry",
       "disabled": null,
       "tooltip": null,
       "popconfirm": {
        "title": "Regenerate the message",
        "description": "Regenerate the message will also delete all subsequent messages.",
        "okButtonProps": {
         "danger": true
        }
       }
      },
      {
       "action": "delete",
       "disabled": null,
       "tooltip": null,
       "popconfirm": {
        "title": "Delete the message",
        "description": "Are you sure to delete this message?",
        "okButtonProps": {
         "danger": true
        }
       }
      }
     ],
     "disabled_actions": null,
     "header": null,
     "footer": null,
     "avatar": {
      "path": "/tmp/gradio/1c78b41ee601947c619bdd9651e001ecd5c6e6c080e33aa9537bfaf69c7890f0/qwen.png",
      "url": "@ROOT@/gradio_api/file=/tmp/gradio/1c78b41ee601947c619bdd9651e001ecd5c6e6c080e33aa9537bfaf69c7890f0/qwen.png",
      "size": null,
      "orig_name": null,
      "mime_type": null,
      "is_stream": false,
      "meta": {
       "_type": "gradio.FileData"
      }
     },
     "variant": null,
     "shape": null,
     "placement": "start",
     "loading": null,
     "typing": null,
     "elem_style": null,
     "elem_classes": null,
     "styles": null,
     "class_names": null
    },
    "_internal": {
     "bind_welcomePromptSelect_event": true,
     "bind_delete_event": true,
     "bind_edit_event": true,
     "bind_retry_event": true
    },
    "visible": true,
    "elem_classes": [
     "chatbot-chat-messages"
    ],
    "name": "modelscopeprochatbot",
    "_selectable": false
   },
   "skip_api": false,
   "component_class_id": "261d11f0fdecbf2f9ddcc5693b2930f4435d2a8dbefd8fbbd578b70508a010d6",
   "key": null,
   "api_info": {
    "items": {},
    "title": "ChatbotDataMessages",
    "type": "array",
    "additional_description": null
   },
   "api_info_as_input": {
    "items": {},
    "title": "ChatbotDataMessages",
    "type": "array",
    "additional_description": null
   },
   "api_info_as_output": {
    "items": {},
    "title": "ChatbotDataMessages",
    "type": "array",
    "additional_description": null
   },
   "example_inputs": null
  },
  {
   "id": 31,
   "type": "modelscopepromultimodalinput",
   "props": {
    "value": {
     "files": null,
     "text": null
    },
    "mode": "inline",
    "placeholder": "How can I help you today?",
    "upload_config": {
     "fullscreen_drop": false,
     "allow_upload": true,
     "allow_paste_file": true,
     "allow_speech": false,
     "show_count": true,
     "upload_button_tooltip": null,
     "accept": "image/*,video/*",
     "max_count": null,
     "directory": false,
     "multiple": false,
     "disabled": false,
     "overflow": null,
     "title": "Attachments",
     "image_props": null,
     "placeholder": {
      "inline": {
       "title": "Upload files",
       "description": "Click or drag files to this area to upload images or videos"
      },
      "drop": {
       "title": "Drop files here"
      }
     }
    },
    "_internal": {
     "layout": true,
     "bind_submit_event": true,
     "bind_cancel_event": true
    },
    "visible": true,
    "name": "modelscopepromultimodalinput",
    "_selectable": false
   },
   "skip_api": false,
   "component_class_id": "863032382302e38a900fca08f7ba08afa4633948060f4e22da4f2455b6cb5d9b",
   "key": null,
   "api_info": {
    "$defs": {
     "FileData": {
      "description": "The FileData class is a subclass of the GradioModel class that represents a file object within a Gradio interface. It is used to store file data and metadata when a file is uploaded.\n\nAttributes:\n    path: The server file path where the file is stored.\n    url: The normalized server URL pointing to the file.\n    size: The size of the file in bytes.\n    orig_name: The original filename before upload.\n    mime_type: The MIME type of the file.\n    is_stream: Indicates whether the file is a stream.\n    meta: Additional metadata used internally (should not be changed).",
      "properties": {
       "path": {
        "title": "Path",
        "type": "string"
       },
       "url": {
        "anyOf": [
         {
          "type": "string"
         },
         {
          "type": "null"
         }
        ],
        "default": null,
        "title": "Url"
       },
       "size": {
        "anyOf": [
         {
          "type": "integer"
         },
         {
          "type": "null"
         }
        ],
        "default": null,
        "title": "Size"
       },
       "orig_name": {
        "anyOf": [
         {
          "type": "string"
         },
         {
          "type": "null"
         }
        ],
        "default": null,
        "title": "Orig Name"
       },
       "mime_type": {
        "anyOf": [
         {
          "type": "string"
         },
         {
          "type": "null"
         }
        ],
        "default": null,
        "title": "Mime Type"
       },
       "is_stream": {
        "default": false,
        "title": "Is Stream",
        "type": "boolean"
       },
       "meta": {
        "$ref": "#/$defs/FileDataMeta"
       }
      },
      "required": [
       "path"
      ],
      "title": "FileData",
      "type": "object"
     },
     "FileDataMeta": {
      "properties": {
       "_type": {
        "const": "gradio.FileData",
        "title": "Type",
        "type": "string"
       }
      },
      "required": [
       "_type"
      ],
      "title": "FileDataMeta",
      "type": "object"
     },
     "ListFiles": {
      "items": {
       "$ref": "#/$defs/FileData"
      },
      "title": "ListFiles",
      "type": "array"
     }
    },
    "properties": {
     "files": {
      "anyOf": [
       {
        "$ref": "#/$defs/ListFiles"
       },
       {
        "type": "null"
       }
      ],
      "default": null
     },
     "text": {
      "anyOf": [
       {
        "type": "string"
       },
       {
        "type": "null"
       }
      ],
      "default": null,
      "title": "Text"
     }
    },
    "title": "MultimodalInputValue",
    "type": "object",
    "additional_description": null
   },
   "api_info_as_input": {
    "$defs": {
     "FileData": {
      "description": "The FileData class is a subclass of the GradioModel class that represents a file object within a Gradio interface. It is used to store file data and metadata when a file is uploaded.\n\nAttributes:\n    path: The server file path where the file is stored.\n    url: The normalized server URL pointing to the file.\n    size: The size of the file in bytes.\n    orig_name: The original filename before upload.\n    mime_type: The MIME type of the file.\n    is_stream: Indicates whether the file is a stream.\n    meta: Additional metadata used internally (should not be changed).",
      "properties": {
       "path": {
        "title": "Path",
        "type": "string"
       },
       "url": {
        "anyOf": [
         {
          "type": "string"
         },
         {
          "type": "null"
         }
        ],
        "default": null,
        "title": "Url"
       },
       "size": {
        "anyOf": [
         {
          "type": "integer"
         },
         {
          "type": "null"
         }
        ],
        "default": null,
        "title": "Size"
       },
       "orig_name": {
        "anyOf": [
         {
          "type": "string"
         },
         {
          "type": "null"
         }
        ],
        "default": null,
        "title": "Orig Name"
       },
       "mime_type": {
        "anyOf": [
         {
          "type": "string"
         },
         {
          "type": "null"
         }
        ],
        "default": null,
        "title": "Mime Type"
       },
       "is_stream": {
        "default": false,
        "title": "Is Stream",
        "type": "boolean"
       },
       "meta": {
        "$ref": "#/$defs/FileDataMeta"
       }
      },
      "required": [
       "path"
      ],
      "title": "FileData",
      "type": "object"
     },
     "FileDataMeta": {
      "properties": {
       "_type": {
        "const": "gradio.FileData",
        "title": "Type",
        "type": "string"
       }
      },
      "required": [
       "_type"
      ],
      "title": "FileDataMeta",
      "type": "object"
     },
     "ListFiles": {
      "items": {
       "$ref": "#/$defs/FileData"
      },
      "title": "ListFiles",
      "type": "array"
     }
    },
    "properties": {
     "files": {
      "anyOf": [
       {
        "$ref": "#/$defs/ListFiles"
       },
       {
        "type": "null"
       }
      ],
      "default": null
     },
     "text": {
      "anyOf": [
       {
        "type": "string"
       },
       {
        "type": "null"
       }
      ],
      "default": null,
      "title": "Text"
     }
    },
    "title": "MultimodalInputValue",
    "type": "object",
    "additional_description": null
   },
   "api_info_as_output": {
    "$defs": {
     "FileData": {
      "description": "The FileData class is a subclass of the GradioModel class that represents a file object within a Gradio interface. It is used to store file data and metadata when a file is uploaded.\n\nAttributes:\n    path: The server file path where the file is stored.\n    url: The normalized server URL pointing to the file.\n    size: The size of the file in bytes.\n    orig_name: The original filename before upload.\n    mime_type: The MIME type of the file.\n    is_stream: Indicates whether the file is a stream.\n    meta: Additional metadata used internally (should not be changed).",
      "properties": {
       "path": {
        "title": "Path",
        "type": "string"
       },
       "url": {
        "anyOf": [
         {
          "type": "string"
         },
         {
          "type": "null"
         }
        ],
        "default": null,
        "title": "Url"
       },
       "size": {
        "anyOf": [
         {
          "type": "integer"
         },
         {
          "type": "null"
         }
        ],
        "default": null,
        "title": "Size"
       },
       "orig_name": {
        "anyOf": [
         {
          "type": "string"
         },
         {
          "type": "null"
         }
        ],
        "default": null,
        "title": "Orig Name"
       },
       "mime_type": {
        "anyOf": [
         {
          "type": "string"
         },
         {
          "type": "null"
         }
        ],
        "default": null,
        "title": "Mime Type"
       },
       "is_stream": {
        "default": false,
        "title": "Is Stream",
        "type": "boolean"
       },
       "meta": {
        "$ref": "#/$defs/FileDataMeta"
       }
      },
      "required": [
       "path"
      ],
      "title": "FileData",
      "type": "object"
     },
     "FileDataMeta": {
      "properties": {
       "_type": {
        "const": "gradio.FileData",
        "title": "Type",
        "type": "string"
       }
      },
      "required": [
       "_type"
      ],
      "title": "FileDataMeta",
      "type": "object"
     },
     "ListFiles": {
      "items": {
       "$ref": "#/$defs/FileData"
      },
      "title": "ListFiles",
      "type": "array"
     }
    },
    "properties": {
     "files": {
      "anyOf": [
       {
        "$ref": "#/$defs/ListFiles"
       },
       {
        "type": "null"
       }
      ],
      "default": null
     },
     "text": {
      "anyOf": [
       {
        "type": "string"
       },
       {
        "type": "null"
       }
      ],
      "default": null,
      "title": "Text"
     }
    },
    "title": "MultimodalInputValue",
    "type": "object",
    "additional_description": null
   },
   "example_inputs": null
  },
  {
   "id": 32,
   "type": "modelscopeslot",
   "props": {
    "value": "prefix",
    "skip_context_value": true,
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "name": "modelscopeslot"
   },
   "skip_api": true,
   "component_class_id": "54a84799414765ec89c5c695da6f68b869f2109b636867db5746356d0915faee",
   "key": null
  },
  {
   "id": 33,
   "type": "antdflex",
   "props": {
    "wrap": true,
    "justify": "normal",
    "align": "normal",
    "flex": "normal",
    "gap": 4,
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "elem_style": {
     "maxWidth": "40vw",
     "display": "inline-flex"
    },
    "name": "antdflex"
   },
   "skip_api": true,
   "component_class_id": "1d87d51a9e22c6ecdcd23f10c5a9e7c2adb79da689679b333f833034aa5c086a",
   "key": null
  },
  {
   "id": 34,
   "type": "antdbutton",
   "props": {
    "auto_insert_space": true,
    "type": "text",
    "_internal": {
     "index": 0,
     "layout": true,
     "bind_click_event": true
    },
    "visible": true,
    "name": "antdbutton"
   },
   "skip_api": true,
   "component_class_id": "a1866f143ef3a0ca42a6bc76d93bd1574dc76cf29670d6a7b706000284cee500",
   "key": null
  },
  {
   "id": 35,
   "type": "modelscopeslot",
   "props": {
    "value": "icon",
    "skip_context_value": true,
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "name": "modelscopeslot"
   },
   "skip_api": true,
   "component_class_id": "54a84799414765ec89c5c695da6f68b869f2109b636867db5746356d0915faee",
   "key": null
  },
  {
   "id": 37,
   "type": "antdicon",
   "props": {
    "value": "ClearOutlined",
    "_internal": {},
    "visible": true,
    "name": "antdicon",
    "_selectable": false
   },
   "skip_api": true,
   "component_class_id": "8401f723764d68b7bd704d4b6af73dfe603e320e540d997ab14b96998eccd27f",
   "key": null
  },
  {
   "id": 38,
   "type": "state",
   "props": {
    "time_to_live": null,
    "delete_callback": "<function State.__init__.<locals>.<lambda> at 0x7fb28d881080>",
    "name": "state",
    "_selectable": false
   },
   "skip_api": true,
   "component_class_id": "69665295529958584b431cbb33ed40b2f90ebb16bd093244825e371b636d3dff",
   "key": null
  },
  {
   "id": 39,
   "type": "antdbutton",
   "props": {
    "value": "Thinking",
    "auto_insert_space": true,
    "shape": "round",
    "color": "primary",
    "_internal": {
     "index": 2,
     "layout": true,
     "bind_click_event": true
    },
    "visible": true,
    "name": "antdbutton"
   },
   "skip_api": true,
   "component_class_id": "a1866f143ef3a0ca42a6bc76d93bd1574dc76cf29670d6a7b706000284cee500",
   "key": null
  },
  {
   "id": 40,
   "type": "modelscopeslot",
   "props": {
    "value": "icon",
    "skip_context_value": true,
    "_internal": {
     "index": 0,
     "layout": true
    },
    "visible": true,
    "name": "modelscopeslot"
   },
   "skip_api": true,
   "component_class_id": "54a84799414765ec89c5c695da6f68b869f2109b636867db5746356d0915faee",
   "key": null
  },
  {
   "id": 42,
   "type": "antdicon",
   "props": {
    "value": "SunOutlined",
    "_internal": {},
    "visible": true,
    "name": "antdicon",
    "_selectable": false
   },
   "skip_api": true,
   "component_class_id": "8401f723764d68b7bd704d4b6af73dfe603e320e540d997ab14b96998eccd27f",
   "key": null
  },
  {
   "id": 43,
   "type": "browserstate",
   "props": {
    "default_value": {
     "conversation_contexts": {},
     "conversations": []
    },
    "storage_key": "qwen3_vl_demo_storage",
    "secret": "T8zr4DrnL5SjGeN0",
    "name": "browserstate",
    "_selectable": false
   },
   "skip_api": false,
   "component_class_id": "4f20db3776c0e45c1a5398a4aa4c999a73be19cfebaca40dcb76b9d7c453a294",
   "key": null,
   "api_info": {
    "type": {},
    "description": "any json-serializable value"
   },
   "api_info_as_input": {
    "type": {},
    "description": "any json-serializable value"
   },
   "api_info_as_output": {
    "type": {},
    "description": "any json-serializable value"
   },
   "example_inputs": "test"
  }
 ],
 "css": "\n.gradleio-container {\n  padding: 0 !important;\n}\n\n.gradleio-container > main.fillable {\n  padding: 0 !important;\n}\n\n#chatbot {\n  height: calc(100vh - 21px - 16px);\n  max-height: 1500px;\n}\n\n#chatbot .chatbot-conversations {\n  height: 100vh;\n  background-color: var(--ms-gr-ant-color-bg-layout);\n  padding-left: 4px;\n  padding-right: 4px;\n}\n\n#chatbot .chatbot-conversations .chatbot-conversations-list {\n  padding-left: 0;\n  padding-right: 0;\n}\n\n#chatbot .chatbot-chat {\n  padding: 32px;\n  padding-bottom: 0;\n  height: 100%;\n}\n\n@media (max-width: 768px) {\n  #chatbot .chatbot-chat {\n      padding: 10px;\n  }\n}\n\n#chatbot .chatbot-chat .chatbot-chat-messages {\n  flex: 1;\n}\n",
 "connect_heartbeat": true,
 "js": "",
 "head": "",
 "title": "Gradio",
 "space_id": null,
 "enable_queue": true,
 "show_error": false,
 "show_api": true,
 "is_colab": false,
 "max_file_size": null,
 "stylesheets": [
  "https://fonts.googleapis.com/css2?family=Source+Sans+Pro:wght@400;600&display=swap"
 ],
 "theme": "default",
 "protocol": "sse_v3",
 "body_css": {
  "body_background_fill": "white",
  "body_text_color": "#27272a",
  "body_background_fill_dark": "#0f0f11",
  "body_text_color_dark": "#f4f4f5"
 },
 "fill_height": false,
 "fill_width": true,
 "theme_hash": "63194d3741d384f9f85db890247b6c0ef9e7abac0f297f40a15c59fe4baba916",
 "pwa": false,
 "pages": [
  [
   "",
   "Home"
  ]
 ],
 "page": {
  "": {
   "layout": {
    "id": 0,
    "children": [
     {
      "id": 1
     },
     {
      "id": 3,
      "children": [
       {
        "id": 4,
        "children": [
         {
          "id": 5,
          "children": [
           {
            "id": 6,
            "children": [
             {
              "id": 7,
              "children": [
               {
                "id": 8,
                "children": [
                 {
                  "id": 9,
                  "children": [
                   {
                    "id": 10,
                    "children": [
                     {
                      "id": 11,
                      "children": [
                       {
                        "id": 13,
                        "children": []
                       },
                       {
                        "id": 14,
                        "children": []
                       }
                      ]
                     }
                    ]
                   },
                   {
                    "id": 15,
                    "children": [
                     {
                      "id": 16
                     },
                     {
                      "id": 17,
                      "children": [
                       {
                        "id": 19,
                        "children": []
                       }
                      ]
                     }
                    ]
                   },
                   {
                    "id": 20,
                    "children": [
                     {
                      "id": 21,
                      "children": [
                       {
                        "id": 22,
                        "children": [
                         {
                          "id": 23,
                          "children": [
                           {
                            "id": 25,
                            "children": []
                           }
                          ]
                         }
                        ]
                       }
                      ]
                     }
                    ]
                   }
                  ]
                 }
                ]
               }
              ]
             },
             {
              "id": 26,
              "children": [
               {
                "id": 27,
                "children": [
                 {
                  "id": 29,
                  "children": []
                 },
                 {
                  "id": 31,
                  "children": [
                   {
                    "id": 32,
                    "children": [
                     {
                      "id": 33,
                      "children": [
                       {
                        "id": 34,
                        "children": [
                         {
                          "id": 35,
                          "children": [
                           {
                            "id": 37,
                            "children": []
                           }
                          ]
                         }
                        ]
                       },
                       {
                        "id": 38
                       },
                       {
                        "id": 39,
                        "children": [
                         {
                          "id": 40,
                          "children": [
                           {
                            "id": 42,
                            "children": []
                           }
                          ]
                         }
                        ]
                       }
                      ]
                     }
                    ]
                   }
                  ]
                 }
                ]
               }
              ]
             }
            ]
           }
          ]
         }
        ]
       }
      ]
     },
     {
      "id": 43
     }
    ]
   },
   "components": [
    1,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
    11,
    13,
    14,
    15,
    16,
    17,
    19,
    20,
    21,
    22,
    23,
    25,
    26,
    27,
    29,
    31,
    32,
    33,
    34,
    35,
    37,
    38,
    39,
    40,
    42,
    43
   ],
   "dependencies": [
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
    11,
    12,
    13,
    14
   ]
  }
 },
 "dependencies": [
  {
   "id": 0,
   "targets": [
    [
     38,
     "change"
    ]
   ],
   "inputs": [
    38
   ],
   "outputs": [
    39
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "apply_state_change",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": false,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "always_last",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 1,
   "targets": [
    [
     39,
     "click"
    ]
   ],
   "inputs": [
    38
   ],
   "outputs": [
    38
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "toggle_thinking",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": false,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 2,
   "targets": [
    [
     1,
     "change"
    ]
   ],
   "inputs": [
    1
   ],
   "outputs": [
    43
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "update_browser_state",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": false,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "always_last",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 3,
   "targets": [
    [
     0,
     "load"
    ]
   ],
   "inputs": [
    43,
    1
   ],
   "outputs": [
    20,
    1
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "apply_browser_state",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": false,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 4,
   "targets": [
    [
     15,
     "click"
    ]
   ],
   "inputs": [
    38,
    1
   ],
   "outputs": [
    20,
    29,
    38,
    1
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "new_chat",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": false,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 5,
   "targets": [
    [
     20,
     "active_change"
    ]
   ],
   "inputs": [
    38,
    1
   ],
   "outputs": [
    20,
    29,
    38,
    1
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "select_conversation",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": true,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 6,
   "targets": [
    [
     20,
     "menu_click"
    ]
   ],
   "inputs": [
    1
   ],
   "outputs": [
    20,
    29,
    1
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "click_conversation_menu",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": true,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 7,
   "targets": [
    [
     29,
     "welcome_prompt_select"
    ]
   ],
   "inputs": [
    31
   ],
   "outputs": [
    31
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "apply_prompt",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": true,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 8,
   "targets": [
    [
     29,
     "delete"
    ]
   ],
   "inputs": [
    1
   ],
   "outputs": [
    1
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "delete_message",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": true,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 9,
   "targets": [
    [
     29,
     "edit"
    ]
   ],
   "inputs": [
    1,
    29
   ],
   "outputs": [
    1,
    29
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "edit_message",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": true,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 10,
   "targets": [
    [
     29,
     "retry"
    ]
   ],
   "inputs": [
    38,
    1
   ],
   "outputs": [
    31,
    34,
    22,
    15,
    20,
    29,
    1
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "regenerate_message",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": true,
    "cancel": false
   },
   "collects_event_data": true,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 11,
   "targets": [
    [
     31,
     "submit"
    ]
   ],
   "inputs": [
    31,
    38,
    1
   ],
   "outputs": [
    31,
    34,
    22,
    15,
    20,
    29,
    1
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "add_message",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": true,
    "cancel": false
   },
   "collects_event_data": false,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 12,
   "targets": [
    [
     31,
     "cancel"
    ]
   ],
   "inputs": [
    1
   ],
   "outputs": [
    31,
    22,
    34,
    20,
    15,
    29,
    1
   ],
   "backend_fn": true,
   "js": null,
   "queue": false,
   "api_name": "cancel",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": false,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 13,
   "targets": [
    [
     31,
     "cancel"
    ]
   ],
   "inputs": [],
   "outputs": [],
   "backend_fn": false,
   "js": null,
   "queue": false,
   "api_name": "unnamed",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [
    11,
    10
   ],
   "types": {
    "generator": false,
    "cancel": true
   },
   "collects_event_data": false,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": false,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  },
  {
   "id": 14,
   "targets": [
    [
     34,
     "click"
    ]
   ],
   "inputs": [
    1
   ],
   "outputs": [
    29,
    1
   ],
   "backend_fn": true,
   "js": null,
   "queue": true,
   "api_name": "clear_conversation_history",
   "scroll_to_output": false,
   "show_progress": "full",
   "show_progress_on": null,
   "batch": false,
   "max_batch_size": 4,
   "cancels": [],
   "types": {
    "generator": false,
    "cancel": false
   },
   "collects_event_data": false,
   "trigger_after": null,
   "trigger_only_on_success": false,
   "trigger_mode": "once",
   "show_api": true,
   "rendered_in": null,
   "render_id": null,
   "connection": "sse",
   "time_limit": null,
   "stream_every": 0.5,
   "like_user_message": false,
   "event_specific_args": null,
   "js_implementation": null
  }
 ],
 "layout": {
  "id": 0,
  "children": [
   {
    "id": 1
   },
   {
    "id": 3,
    "children": [
     {
      "id": 4,
      "children": [
       {
        "id": 5,
        "children": [
         {
          "id": 6,
          "children": [
           {
            "id": 7,
            "children": [
             {
              "id": 8,
              "children": [
               {
                "id": 9,
                "children": [
                 {
                  "id": 10,
                  "children": [
                   {
                    "id": 11,
                    "children": [
                     {
                      "id": 13,
                      "children": []
                     },
                     {
                      "id": 14,
                      "children": []
                     }
                    ]
                   }
                  ]
                 },
                 {
                  "id": 15,
                  "children": [
                   {
                    "id": 16
                   },
                   {
                    "id": 17,
                    "children": [
                     {
                      "id": 19,
                      "children": []
                     }
                    ]
                   }
                  ]
                 },
                 {
                  "id": 20,
                  "children": [
                   {
                    "id": 21,
                    "children": [
                     {
                      "id": 22,
                      "children": [
                       {
                        "id": 23,
                        "children": [
                         {
                          "id": 25,
                          "children": []
                         }
                        ]
                       }
                      ]
                     }
                    ]
                   }
                  ]
                 }
                ]
               }
              ]
             }
            ]
           },
           {
            "id": 26,
            "children": [
             {
              "id": 27,
              "children": [
               {
                "id": 29,
                "children": []
               },
               {
                "id": 31,
                "children": [
                 {
                  "id": 32,
                  "children": [
                   {
                    "id": 33,
                    "children": [
                     {
                      "id": 34,
                      "children": [
                       {
                        "id": 35,
                        "children": [
                         {
                          "id": 37,
                          "children": []
                         }
                        ]
                       }
                      ]
                     },
                     {
                      "id": 38
                     },
                     {
                      "id": 39,
                      "children": [
                       {
                        "id": 40,
                        "children": [
                         {
                          "id": 42,
                          "children": []
                         }
                        ]
                       }
                      ]
                     }
                    ]
                   }
                  ]
                 }
                ]
               }
              ]
             }
            ]
           }
          ]
         }
        ]
       }
      ]
     }
    ]
   },
   {
    "id": 43
   }
  ]
 },
 "root": "@ROOT@",
 "username": null
}'''

ADD_MESSAGE_INFO_JSON = r'''{
 "parameters": [
  {
   "label": "parameter_31",
   "parameter_name": "input_value",
   "parameter_has_default": true,
   "parameter_default": {
    "files": null,
    "text": null
   },
   "type": {
    "$defs": {
     "FileData": {
      "description": "The FileData class is a subclass of the GradioModel class that represents a file object within a Gradio interface. It is used to store file data and metadata when a file is uploaded.\n\nAttributes:\n    path: The server file path where the file is stored.\n    url: The normalized server URL pointing to the file.\n    size: The size of the file in bytes.\n    orig_name: The original filename before upload.\n    mime_type: The MIME type of the file.\n    is_stream: Indicates whether the file is a stream.\n    meta: Additional metadata used internally (should not be changed).",
      "properties": {
       "path": {
        "title": "Path",
        "type": "string"
       },
       "url": {
        "anyOf": [
         {
          "type": "string"
         },
         {
          "type": "null"
         }
        ],
        "default": null,
        "title": "Url"
       },
       "size": {
        "anyOf": [
         {
          "type": "integer"
         },
         {
          "type": "null"
         }
        ],
        "default": null,
        "title": "Size"
       },
       "orig_name": {
        "anyOf": [
         {
          "type": "string"
         },
         {
          "type": "null"
         }
        ],
        "default": null,
        "title": "Orig Name"
       },
       "mime_type": {
        "anyOf": [
         {
          "type": "string"
         },
         {
          "type": "null"
         }
        ],
        "default": null,
        "title": "Mime Type"
       },
       "is_stream": {
        "default": false,
        "title": "Is Stream",
        "type": "boolean"
       },
       "meta": {
        "$ref": "#/$defs/FileDataMeta"
       }
      },
      "required": [
       "path"
      ],
      "title": "FileData",
      "type": "object"
     },
     "FileDataMeta": {
      "properties": {
       "_type": {
        "const": "gradio.FileData",
        "title": "Type",
        "type": "string"
       }
      },
      "required": [
       "_type"
      ],
      "title": "FileDataMeta",
      "type": "object"
     },
     "ListFiles": {
      "items": {
       "$ref": "#/$defs/FileData"
      },
      "title": "ListFiles",
      "type": "array"
     }
    },
    "properties": {
     "files": {
      "anyOf": [
       {
        "$ref": "#/$defs/ListFiles"
       },
       {
        "type": "null"
       }
      ],
      "default": null
     },
     "text": {
      "anyOf": [
       {
        "type": "string"
       },
       {
        "type": "null"
       }
      ],
      "default": null,
      "title": "Text"
     }
    },
    "title": "MultimodalInputValue",
    "type": "object",
    "additional_description": null
   },
   "python_type": {
    "type": "dict(files: list[filepath] | None, text: str | None)",
    "description": null
   },
   "component": "Modelscopepromultimodalinput",
   "example_input": null
  }
 ],
 "returns": [
  {
   "label": "value_31",
   "type": {
    "$defs": {
     "FileData": {
      "description": "The FileData class is a subclass of the GradioModel class that represents a file object within a Gradio interface. It is used to store file data and metadata when a file is uploaded.\n\nAttributes:\n    path: The server file path where the file is stored.\n    url: The normalized server URL pointing to the file.\n    size: The size of the file in bytes.\n    orig_name: The original filename before upload.\n    mime_type: The MIME type of the file.\n    is_stream: Indicates whether the file is a stream.\n    meta: Additional metadata used internally (should not be changed).",
      "properties": {
       "path": {
        "title": "Path",
        "type": "string"
       },
       "url": {
        "anyOf": [
         {
          "type": "string"
         },
         {
          "type": "null"
         }
        ],
        "default": null,
        "title": "Url"
       },
       "size": {
        "anyOf": [
         {
          "type": "integer"
         },
         {
          "type": "null"
         }
        ],
        "default": null,
        "title": "Size"
       },
       "orig_name": {
        "anyOf": [
         {
          "type": "string"
         },
         {
          "type": "null"
         }
        ],
        "default": null,
        "title": "Orig Name"
       },
       "mime_type": {
        "anyOf": [
         {
          "type": "string"
         },
         {
          "type": "null"
         }
        ],
        "default": null,
        "title": "Mime Type"
       },
       "is_stream": {
        "default": false,
        "title": "Is Stream",
        "type": "boolean"
       },
       "meta": {
        "$ref": "#/$defs/FileDataMeta"
       }
      },
      "required": [
       "path"
      ],
      "title": "FileData",
      "type": "object"
     },
     "FileDataMeta": {
      "properties": {
       "_type": {
        "const": "gradio.FileData",
        "title": "Type",
        "type": "string"
       }
      },
      "required": [
       "_type"
      ],
      "title": "FileDataMeta",
      "type": "object"
     },
     "ListFiles": {
      "items": {
       "$ref": "#/$defs/FileData"
      },
      "title": "ListFiles",
      "type": "array"
     }
    },
    "properties": {
     "files": {
      "anyOf": [
       {
        "$ref": "#/$defs/ListFiles"
       },
       {
        "type": "null"
       }
      ],
      "default": null
     },
     "text": {
      "anyOf": [
       {
        "type": "string"
       },
       {
        "type": "null"
       }
      ],
      "default": null,
      "title": "Text"
     }
    },
    "title": "MultimodalInputValue",
    "type": "object",
    "additional_description": null
   },
   "python_type": {
    "type": "dict(files: list[filepath] | None, text: str | None)",
    "description": ""
   },
   "component": "Modelscopepromultimodalinput"
  },
  {
   "label": "value_29",
   "type": {
    "items": {},
    "title": "ChatbotDataMessages",
    "type": "array"
   },
   "python_type": {
    "type": "list[ChatbotDataMessage]",
    "description": ""
   },
   "component": "Modelscopeprochatbot"
  }
 ],
 "show_api": true
}'''
